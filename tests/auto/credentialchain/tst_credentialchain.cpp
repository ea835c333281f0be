// Tests for the credential sources (environment, shared credentials file, config file), the
// CredentialChain mechanics (order, caching, refresh windows, single flight, timeouts), and
// the DefaultCredentialChain wiring with real files in a temporary HOME.
//
// Expected behaviour comes from aws-for-ecr-exporter.md §c.1/§c.2 (botocore's provider order,
// PartialCredentialsError for a key id without its secret, 15 min advisory / 10 min mandatory
// refresh) and from the brief's wording of the messages; fixture values are read by hand
// from tests/data/awsconfig.

#include "aws/awssharedconfig.h"
#include "aws/credentialchain.h"
#include "aws/defaultcredentialchain.h"
#include "aws/environmentcredentialsource.h"
#include "aws/sharedfilecredentialsource.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

Q_DECLARE_METATYPE(QProcessEnvironment)

namespace {

using TestSupport::writeFile;

using Status = CredentialSource::Result::Status;
const QString dataDir = QStringLiteral(ECR_TEST_DATA_DIR "/awsconfig");

QProcessEnvironment envWith(std::initializer_list<std::pair<QString, QString>> vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars)
        env.insert(k, v);
    return env;
}

AwsCredentials keys(const QString &id, const QDateTime &expiration = {})
{
    AwsCredentials c;
    c.accessKeyId = id;
    c.secretAccessKey = id + QStringLiteral("-secret");
    c.expiration = expiration;
    return c;
}

// What a credentials() callback received.
struct Answer {
    int calls = 0;
    AwsCredentials credentials;
    AwsError error;
};

void ask(CredentialProvider *provider, QObject *context, const std::shared_ptr<Answer> &answer)
{
    provider->credentials(context, [answer](const AwsCredentials &c, const AwsError &e) {
        ++answer->calls;
        answer->credentials = c;
        answer->error = e;
    });
}

// A scriptable source: answers from a queue (the last entry repeats), synchronously, on the
// next event-loop turn, or only when the test calls release().
class FakeSource : public CredentialSource
{
public:
    enum class Mode { Sync, Async, Hold };
    FakeSource(const QString &label, Mode mode, QList<Result> script)
        : m_label(label), m_mode(mode), m_script(std::move(script)) {}

    QString name() const override { return m_label; }
    void fetch(Callback done) override
    {
        ++fetches;
        if (m_mode == Mode::Hold) {
            m_pending = std::move(done);
            return;
        }
        const Result r = next();
        if (m_mode == Mode::Sync)
            done(r);
        else
            QTimer::singleShot(0, this, [done, r]() { done(r); });
    }
    void cancel() override { ++cancels; }

    bool hasPending() const { return bool(m_pending); }
    void release()
    {
        Callback done = std::exchange(m_pending, {});
        if (done)
            done(next());
    }
    void setScript(QList<Result> script) { m_script = std::move(script); }
    void setMode(Mode mode) { m_mode = mode; }

    int fetches = 0;
    int cancels = 0;

private:
    Result next()
    {
        if (m_script.size() > 1)
            return m_script.takeFirst();
        return m_script.value(0);
    }
    QString m_label;
    Mode m_mode;
    QList<Result> m_script;
    Callback m_pending;
};

using R = CredentialSource::Result;

} // namespace

class TestCredentialChain : public QObject
{
    Q_OBJECT

private slots:
    void init();

    // --- sources ------------------------------------------------------------------------
    void environment_data();
    void environment();
    void environmentExpiration_data();
    void environmentExpiration();
    void sharedFiles_data();
    void sharedFiles();

    // --- chain mechanics ------------------------------------------------------------------
    void cachesAndAnswersAsynchronously();
    void singleFlight();
    void orderNotFoundThenFound();
    void failedSourceStopsTheWalk();
    void nothingFoundListsEveryPlace();
    void advisoryRefreshKeepsServing();
    void advisoryFailureTolerated();
    void mandatoryRefreshWaitsAndFails();
    void expiredFromSourceIsAnError();
    void invalidateRefetchesFromWinner();
    void invalidateIfCurrentOnlyDropsRejectedKeys();
    void refreshJitter();
    void winnerLosingItsKeysWalksAgain();
    void sourceTimeout();
    void destroyedContextGetsNoCallback();
    void emptyKeysFromSourceAreAnError();

    // --- DefaultCredentialChain with files ---------------------------------------------------
    void defaultChainPrecedence_data();
    void defaultChainPrecedence();
    void defaultChainNothingFound();
    void defaultChainWithoutHome();
    void defaultChainRereadsRotatedFile();
    void defaultChainParseErrorAtFetch();

private:
    CredentialChain *makeChain(std::initializer_list<FakeSource *> sources);
    QDateTime m_now;
    std::unique_ptr<QObject> m_owner;
};

void TestCredentialChain::init()
{
    m_now = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    m_owner = std::make_unique<QObject>();
}

CredentialChain *TestCredentialChain::makeChain(std::initializer_list<FakeSource *> sources)
{
    auto *chain = new CredentialChain(m_owner.get());
    chain->setClock([this]() { return m_now; });
    chain->setRefreshJitter(0);  // exact windows; refreshJitter() covers the jitter
    for (FakeSource *s : sources)
        chain->addSource(s);
    return chain;
}

// ------------------------------------------------------------------------------------------

void TestCredentialChain::environment_data()
{
    QTest::addColumn<QProcessEnvironment>("env");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("text");  // reason (NotFound) or error message (Failed)

    QTest::newRow("nothing") << envWith({}) << int(Status::NotFound) << QString() << QString() << "AWS_ACCESS_KEY_ID not set";
    QTest::newRow("empty values are unset") << envWith({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}})
                                            << int(Status::NotFound) << QString() << QString() << "AWS_ACCESS_KEY_ID not set";
    QTest::newRow("keys") << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}})
                          << int(Status::Found) << "AKID" << QString() << QString();
    QTest::newRow("session token") << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "tok"}})
                                   << int(Status::Found) << "AKID" << "tok" << QString();
    QTest::newRow("legacy security token") << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SECURITY_TOKEN", "old"}})
                                           << int(Status::Found) << "AKID" << "old" << QString();
    QTest::newRow("session token beats legacy")
        << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_SESSION_TOKEN", "new"}, {"AWS_SECURITY_TOKEN", "old"}})
        << int(Status::Found) << "AKID" << "new" << QString();
    QTest::newRow("key id without secret") << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}})
        << int(Status::Failed) << QString() << QString()
        << "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID "
           "to use another credential source";
    QTest::newRow("secret without key id") << envWith({{"AWS_SECRET_ACCESS_KEY", "s"}})
        << int(Status::NotFound) << QString() << QString()
        << "AWS_ACCESS_KEY_ID not set (AWS_SECRET_ACCESS_KEY is set without it)";
    QTest::newRow("bad expiration") << envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_CREDENTIAL_EXPIRATION", "tomorrow"}})
        << int(Status::Failed) << QString() << QString()
        << "environment: AWS_CREDENTIAL_EXPIRATION 'tomorrow' is not an ISO 8601 time; use e.g. 2026-11-27T19:00:00Z or unset it";
}

void TestCredentialChain::environment()
{
    QFETCH(QProcessEnvironment, env);
    QFETCH(int, status);
    QFETCH(QString, keyId);
    QFETCH(QString, token);
    QFETCH(QString, text);
    const R r = EnvironmentCredentialSource::read(env);
    QCOMPARE(int(r.status), status);
    if (r.status == Status::Found) {
        QCOMPARE(r.credentials.accessKeyId, keyId);
        QCOMPARE(r.credentials.secretAccessKey, QStringLiteral("s"));
        QCOMPARE(r.credentials.sessionToken, token);
        QCOMPARE(r.credentials.source, QStringLiteral("environment"));
        QVERIFY(!r.credentials.canExpire());
    } else if (r.status == Status::NotFound) {
        QCOMPARE(r.reason, text);
    } else {
        QCOMPARE(r.error.message, text);
        QVERIFY(!r.error.message.contains(QStringLiteral("'s'")));
    }
}

void TestCredentialChain::environmentExpiration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime t(QDate(2026, 11, 27), QTime(19, 0), Qt::UTC);
    QTest::newRow("Z") << "2026-11-27T19:00:00Z" << t;
    QTest::newRow("milliseconds") << "2026-11-27T19:00:00.250Z" << t.addMSecs(250);
    QTest::newRow("offset") << "2026-11-27T21:00:00+02:00" << t;
    QTest::newRow("no zone means UTC") << "2026-11-27T19:00:00" << t;
}

void TestCredentialChain::environmentExpiration()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const R r = EnvironmentCredentialSource::read(envWith({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"},
                                                           {"AWS_CREDENTIAL_EXPIRATION", text}}));
    QCOMPARE(r.status, Status::Found);
    QCOMPARE(r.credentials.expiration, expected);
    QCOMPARE(r.credentials.expiration.timeSpec(), Qt::UTC);
}

void TestCredentialChain::sharedFiles_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("text");  // source label (Found), reason (NotFound) or error message (Failed)

    const int creds = int(AwsSharedConfig::FileKind::Credentials);
    const int config = int(AwsSharedConfig::FileKind::Config);
    QTest::newRow("credentials default") << "default" << creds << int(Status::Found) << "AKIDDEFAULT" << QString()
                                         << "shared-credentials-file (profile default)";
    QTest::newRow("credentials dev with token") << "dev" << creds << int(Status::Found) << "AKIDCREDSDEV" << "credsDevToken"
                                                << "shared-credentials-file (profile dev)";
    QTest::newRow("config dev") << "dev" << config << int(Status::Found) << "AKIDCONFIGDEV" << QString()
                                << "config-file (profile dev)";
    QTest::newRow("config prod has a role, no keys") << "prod" << config << int(Status::NotFound) << QString() << QString()
                                                     << "profile 'prod' has no aws_access_key_id";
    QTest::newRow("credentials file lacks prod") << "prod" << creds << int(Status::NotFound) << QString() << QString()
                                                 << "no [prod] section";
    QTest::newRow("misplaced prefix in credentials file") << "staging" << creds << int(Status::NotFound) << QString() << QString()
        << "no [staging] section (it has [profile staging]; in the credentials file write [staging] without 'profile ')";
    QTest::newRow("config key id without secret") << "keyonly" << config << int(Status::Failed) << QString() << QString()
        << dataDir + "/config line 18: profile 'keyonly' has aws_access_key_id but no aws_secret_access_key; "
                     "add the secret or remove the key id";
    QTest::newRow("config default has no keys") << "default" << config << int(Status::NotFound) << QString() << QString()
                                                << "profile 'default' has no aws_access_key_id";
}

void TestCredentialChain::sharedFiles()
{
    QFETCH(QString, profile);
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(QString, keyId);
    QFETCH(QString, token);
    QFETCH(QString, text);

    // Through the real source (it re-reads the file) with the fixture files.
    const QProcessEnvironment env = envWith({{"AWS_CONFIG_FILE", dataDir + "/config"},
                                             {"AWS_SHARED_CREDENTIALS_FILE", dataDir + "/credentials"}});
    AwsSharedConfig::ProfileSelection selection;
    selection.name = profile;
    bool e1 = false, e2 = false;
    AwsError err;
    const AwsIniFile c = AwsIniFile::read(dataDir + "/config", &e1, &err);
    const AwsIniFile k = AwsIniFile::read(dataDir + "/credentials", &e2, &err);
    QVERIFY(e1 && e2);
    const AwsSharedConfig shared = AwsSharedConfig::fromFiles(c, e1, k, e2, selection);
    SharedFileCredentialSource source(AwsSharedConfig::FileKind(kind), shared);

    R result;
    int calls = 0;
    source.fetch([&](const R &r) { result = r; ++calls; });
    QCOMPARE(calls, 1);  // file sources answer at once
    QCOMPARE(int(result.status), status);
    if (result.status == Status::Found) {
        QCOMPARE(result.credentials.accessKeyId, keyId);
        QVERIFY(!result.credentials.secretAccessKey.isEmpty());
        QCOMPARE(result.credentials.sessionToken, token);
        QCOMPARE(result.credentials.source, text);
    } else if (result.status == Status::NotFound) {
        QCOMPARE(result.reason, text);
    } else {
        QCOMPARE(result.error.kind, AwsError::Kind::Credentials);
        QCOMPARE(result.error.message, text);
    }
    // The pure function gives the same answer.
    const R pure = SharedFileCredentialSource::extract(shared, AwsSharedConfig::FileKind(kind), profile);
    QCOMPARE(pure.status, result.status);
    QCOMPARE(pure.credentials.accessKeyId, result.credentials.accessKeyId);
    QCOMPARE(pure.reason, result.reason);
}

// ------------------------------------------------------------------------------------------

void TestCredentialChain::cachesAndAnswersAsynchronously()
{
    auto *s = new FakeSource(QStringLiteral("fake"), FakeSource::Mode::Sync, {R::found(keys("A"))});
    CredentialChain *chain = makeChain({s});
    QCOMPARE(chain->describe(), QStringLiteral("chain: fake"));
    auto a = std::make_shared<Answer>();
    ask(chain, m_owner.get(), a);
    QCOMPARE(a->calls, 0);  // never called back inside credentials()
    QTRY_COMPARE(a->calls, 1);
    QVERIFY(!a->error);
    QCOMPARE(a->credentials.accessKeyId, QStringLiteral("A"));
    QCOMPARE(a->credentials.source, QStringLiteral("fake"));  // filled in with the source name
    QCOMPARE(chain->describe(), QStringLiteral("fake"));

    auto b = std::make_shared<Answer>();
    ask(chain, m_owner.get(), b);
    QCOMPARE(b->calls, 0);
    QTRY_COMPARE(b->calls, 1);
    QCOMPARE(b->credentials.accessKeyId, QStringLiteral("A"));
    QCOMPARE(s->fetches, 1);
    QCOMPARE(chain->fetchCount(), 1);
}

void TestCredentialChain::singleFlight()
{
    auto *s = new FakeSource(QStringLiteral("slow"), FakeSource::Mode::Hold, {R::found(keys("A"))});
    CredentialChain *chain = makeChain({s});
    QSignalSpy refreshed(chain, &CredentialChain::credentialsRefreshed);
    QList<std::shared_ptr<Answer>> answers;
    for (int i = 0; i < 5; ++i) {
        answers << std::make_shared<Answer>();
        ask(chain, m_owner.get(), answers.last());
    }
    QCOMPARE(s->fetches, 1);
    QVERIFY(chain->isFetching());
    QVERIFY(s->hasPending());
    s->release();
    for (const auto &a : answers) {
        QTRY_COMPARE(a->calls, 1);
        QCOMPARE(a->credentials.accessKeyId, QStringLiteral("A"));
    }
    QCOMPARE(s->fetches, 1);
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(refreshed.at(0).at(0).toString(), QStringLiteral("slow"));
}

void TestCredentialChain::orderNotFoundThenFound()
{
    auto *a = new FakeSource(QStringLiteral("first"), FakeSource::Mode::Async, {R::notFound(QStringLiteral("nothing"))});
    auto *b = new FakeSource(QStringLiteral("second"), FakeSource::Mode::Sync, {R::found(keys("B"))});
    auto *c = new FakeSource(QStringLiteral("third"), FakeSource::Mode::Sync, {R::found(keys("C"))});
    CredentialChain *chain = makeChain({a, b, c});
    auto ans = std::make_shared<Answer>();
    ask(chain, nullptr, ans);  // null context: the chain itself is used
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->credentials.accessKeyId, QStringLiteral("B"));
    QCOMPARE(a->fetches, 1);
    QCOMPARE(b->fetches, 1);
    QCOMPARE(c->fetches, 0);  // first that yields keys wins
}

void TestCredentialChain::failedSourceStopsTheWalk()
{
    auto *a = new FakeSource(QStringLiteral("first"), FakeSource::Mode::Sync, {R::notFound(QStringLiteral("nothing"))});
    auto *b = new FakeSource(QStringLiteral("broken"), FakeSource::Mode::Async,
                             {R::failed(AwsError::make(AwsError::Kind::Credentials, QStringLiteral("broken: half configured")))});
    auto *c = new FakeSource(QStringLiteral("third"), FakeSource::Mode::Sync, {R::found(keys("C"))});
    CredentialChain *chain = makeChain({a, b, c});
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
    QCOMPARE(ans->error.message, QStringLiteral("broken: half configured"));
    QVERIFY(!ans->credentials.isValid());
    QCOMPARE(c->fetches, 0);
}

void TestCredentialChain::nothingFoundListsEveryPlace()
{
    auto *a = new FakeSource(QStringLiteral("environment"), FakeSource::Mode::Sync, {R::notFound(QStringLiteral("AWS_ACCESS_KEY_ID not set"))});
    auto *b = new FakeSource(QStringLiteral("somewhere"), FakeSource::Mode::Async, {R::notFound(QStringLiteral("no such file"))});
    CredentialChain *chain = makeChain({a, b});
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
    QCOMPARE(ans->error.message, QStringLiteral("no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; "
                                                "somewhere: no such file); provide them in one of these places"));
    // Not cached: the next call walks again (the user may have fixed things).
    auto again = std::make_shared<Answer>();
    ask(chain, m_owner.get(), again);
    QTRY_COMPARE(again->calls, 1);
    QCOMPARE(a->fetches, 2);

    CredentialChain *empty = makeChain({});
    auto none = std::make_shared<Answer>();
    ask(empty, m_owner.get(), none);
    QTRY_COMPARE(none->calls, 1);
    QCOMPARE(none->error.message, QStringLiteral("no credential sources are configured"));
}

void TestCredentialChain::advisoryRefreshKeepsServing()
{
    const QDateTime expiry = m_now.addSecs(20 * 60);
    auto *s = new FakeSource(QStringLiteral("sts"), FakeSource::Mode::Hold,
                             {R::found(keys("OLD", expiry)), R::found(keys("NEW", m_now.addSecs(80 * 60)))});
    CredentialChain *chain = makeChain({s});
    QVERIFY(!chain->readyCredentials().isValid()); // nothing fetched yet: ask credentials()
    auto first = std::make_shared<Answer>();
    ask(chain, m_owner.get(), first);
    s->release();
    QTRY_COMPARE(first->calls, 1);
    QCOMPARE(first->credentials.accessKeyId, QStringLiteral("OLD"));
    QCOMPARE(chain->readyCredentials().accessKeyId, QStringLiteral("OLD"));

    // 5 min later: 15 min left, just outside the refresh window -> cached.
    m_now = m_now.addSecs(5 * 60);
    QCOMPARE(chain->readyCredentials().accessKeyId, QStringLiteral("OLD"));
    auto cached = std::make_shared<Answer>();
    ask(chain, m_owner.get(), cached);
    QTRY_COMPARE(cached->calls, 1);
    QCOMPARE(s->fetches, 1);

    // 14 min left: advisory refresh. Not "ready" any more, so that callers go through
    // credentials(), which serves the old keys at once and starts the refresh.
    m_now = m_now.addSecs(60);
    QVERIFY(!chain->readyCredentials().isValid());
    QCOMPARE(s->fetches, 1); // asking readyCredentials() fetches nothing
    auto during = std::make_shared<Answer>();
    ask(chain, m_owner.get(), during);
    QTRY_COMPARE(during->calls, 1);
    QCOMPARE(during->credentials.accessKeyId, QStringLiteral("OLD"));
    QCOMPARE(s->fetches, 2);
    QVERIFY(s->hasPending());
    s->release();
    QTRY_VERIFY(!chain->isFetching());

    auto after = std::make_shared<Answer>();
    ask(chain, m_owner.get(), after);
    QTRY_COMPARE(after->calls, 1);
    QCOMPARE(after->credentials.accessKeyId, QStringLiteral("NEW"));
    QCOMPARE(s->fetches, 2);
    QCOMPARE(chain->readyCredentials().accessKeyId, QStringLiteral("NEW"));
    chain->invalidate();
    QVERIFY(!chain->readyCredentials().isValid());
}

void TestCredentialChain::advisoryFailureTolerated()
{
    auto *s = new FakeSource(QStringLiteral("imds"), FakeSource::Mode::Sync,
                             {R::found(keys("OLD", m_now.addSecs(14 * 60))),
                              R::failed(AwsError::make(AwsError::Kind::Network, QStringLiteral("imds: unreachable")))});
    CredentialChain *chain = makeChain({s});
    auto first = std::make_shared<Answer>();
    ask(chain, m_owner.get(), first);  // no cache: waits, gets OLD (14 min left is still usable)
    QTRY_COMPARE(first->calls, 1);
    QCOMPARE(first->credentials.accessKeyId, QStringLiteral("OLD"));
    QCOMPARE(s->fetches, 1);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refreshing AWS credentials failed, keeping the current ones")));
    auto second = std::make_shared<Answer>();
    ask(chain, m_owner.get(), second);  // advisory refresh, fails, tolerated
    QTRY_COMPARE(second->calls, 1);
    QVERIFY(!second->error);
    QCOMPARE(second->credentials.accessKeyId, QStringLiteral("OLD"));
    QCOMPARE(s->fetches, 2);

    // Not retried within the advisory interval (60 s) ...
    m_now = m_now.addSecs(30);
    auto third = std::make_shared<Answer>();
    ask(chain, m_owner.get(), third);
    QTRY_COMPARE(third->calls, 1);
    QCOMPARE(s->fetches, 2);
    // ... but after it.
    m_now = m_now.addSecs(31);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refreshing AWS credentials failed")));
    auto fourth = std::make_shared<Answer>();
    ask(chain, m_owner.get(), fourth);
    QTRY_COMPARE(fourth->calls, 1);
    QCOMPARE(s->fetches, 3);
    QVERIFY(!fourth->error);
}

void TestCredentialChain::mandatoryRefreshWaitsAndFails()
{
    auto *s = new FakeSource(QStringLiteral("sts"), FakeSource::Mode::Hold,
                             {R::found(keys("OLD", m_now.addSecs(30 * 60))),
                              R::failed(AwsError::make(AwsError::Kind::Service, QStringLiteral("sts: AccessDenied")))});
    CredentialChain *chain = makeChain({s});
    auto first = std::make_shared<Answer>();
    ask(chain, m_owner.get(), first);
    s->release();
    QTRY_COMPARE(first->calls, 1);

    // 9 min left: inside the mandatory window, callers wait for the refresh.
    m_now = m_now.addSecs(21 * 60);
    auto waiting = std::make_shared<Answer>();
    ask(chain, m_owner.get(), waiting);
    QTest::qWait(20);
    QCOMPARE(waiting->calls, 0);
    QCOMPARE(s->fetches, 2);
    s->release();
    QTRY_COMPARE(waiting->calls, 1);
    QCOMPARE(waiting->error.kind, AwsError::Kind::Service);
    QCOMPARE(waiting->error.message, QStringLiteral("sts: AccessDenied"));
    QVERIFY(!waiting->credentials.isValid());
}

void TestCredentialChain::expiredFromSourceIsAnError()
{
    auto *s = new FakeSource(QStringLiteral("env"), FakeSource::Mode::Sync, {R::found(keys("A", m_now.addSecs(-1)))});
    CredentialChain *chain = makeChain({s});
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
    QCOMPARE(ans->error.message, QStringLiteral("credentials from env expired at 2026-03-01T11:59:59Z; renew them"));
}

void TestCredentialChain::invalidateRefetchesFromWinner()
{
    auto *a = new FakeSource(QStringLiteral("first"), FakeSource::Mode::Sync, {R::notFound(QStringLiteral("nothing"))});
    auto *b = new FakeSource(QStringLiteral("second"), FakeSource::Mode::Sync, {R::found(keys("B1")), R::found(keys("B2"))});
    CredentialChain *chain = makeChain({a, b});
    auto one = std::make_shared<Answer>();
    ask(chain, m_owner.get(), one);
    QTRY_COMPARE(one->calls, 1);
    QCOMPARE(one->credentials.accessKeyId, QStringLiteral("B1"));

    chain->invalidate();  // e.g. after ExpiredTokenException
    auto two = std::make_shared<Answer>();
    ask(chain, m_owner.get(), two);
    QTRY_COMPARE(two->calls, 1);
    QCOMPARE(two->credentials.accessKeyId, QStringLiteral("B2"));
    QCOMPARE(a->fetches, 1);  // the winner was asked directly
    QCOMPARE(b->fetches, 2);
    QCOMPARE(chain->fetchCount(), 2);
}

// After ExpiredTokenException every failed request reports the keys it used; only the first
// report (keys still cached) causes a fetch, the rest find newer keys and cause none.
void TestCredentialChain::invalidateIfCurrentOnlyDropsRejectedKeys()
{
    auto *s = new FakeSource(QStringLiteral("sts"), FakeSource::Mode::Sync,
                             {R::found(keys("K1", m_now.addSecs(3600))), R::found(keys("K2", m_now.addSecs(3600)))});
    CredentialChain *chain = makeChain({s});
    auto first = std::make_shared<Answer>();
    ask(chain, m_owner.get(), first);
    QTRY_COMPARE(first->calls, 1);
    QCOMPARE(first->credentials.accessKeyId, QStringLiteral("K1"));
    const AwsCredentials k1 = first->credentials;

    AwsCredentials other = k1;
    other.sessionToken = QStringLiteral("a different token");
    chain->invalidateIfCurrent(other);  // not the cached keys: ignored
    auto still = std::make_shared<Answer>();
    ask(chain, m_owner.get(), still);
    QTRY_COMPARE(still->calls, 1);
    QCOMPARE(still->credentials.accessKeyId, QStringLiteral("K1"));
    QCOMPARE(s->fetches, 1);

    chain->invalidateIfCurrent(k1);  // first failed request: refresh
    auto second = std::make_shared<Answer>();
    ask(chain, m_owner.get(), second);
    QTRY_COMPARE(second->calls, 1);
    QCOMPARE(second->credentials.accessKeyId, QStringLiteral("K2"));
    QCOMPARE(s->fetches, 2);

    chain->invalidateIfCurrent(k1);  // a second request that had used K1: no new refresh
    auto third = std::make_shared<Answer>();
    ask(chain, m_owner.get(), third);
    QTRY_COMPARE(third->calls, 1);
    QCOMPARE(third->credentials.accessKeyId, QStringLiteral("K2"));
    QCOMPARE(s->fetches, 2);
}

// The refresh point is the 15 min window plus jitter * random, drawn once per set of keys.
void TestCredentialChain::refreshJitter()
{
    auto *s = new FakeSource(QStringLiteral("sts"), FakeSource::Mode::Sync,
                             {R::found(keys("OLD", m_now.addSecs(20 * 60))), R::found(keys("NEW", m_now.addSecs(3600)))});
    CredentialChain *chain = makeChain({s});
    chain->setRefreshJitter(120);
    chain->setRandom([] { return 0.5; });  // 60 s: refresh from 16 min before expiry
    auto first = std::make_shared<Answer>();
    ask(chain, m_owner.get(), first);
    QTRY_COMPARE(first->calls, 1);

    m_now = m_now.addSecs(3 * 60 + 59);  // 16 min 1 s left: still cached
    auto cached = std::make_shared<Answer>();
    ask(chain, m_owner.get(), cached);
    QTRY_COMPARE(cached->calls, 1);
    QCOMPARE(s->fetches, 1);

    m_now = m_now.addSecs(2);  // 15 min 59 s left: inside window + jitter -> background refresh
    auto refreshing = std::make_shared<Answer>();
    ask(chain, m_owner.get(), refreshing);
    QTRY_COMPARE(refreshing->calls, 1);
    QCOMPARE(refreshing->credentials.accessKeyId, QStringLiteral("OLD"));
    QTRY_COMPARE(s->fetches, 2);
    auto after = std::make_shared<Answer>();
    ask(chain, m_owner.get(), after);
    QTRY_COMPARE(after->calls, 1);
    QCOMPARE(after->credentials.accessKeyId, QStringLiteral("NEW"));
}

void TestCredentialChain::winnerLosingItsKeysWalksAgain()
{
    auto *a = new FakeSource(QStringLiteral("first"), FakeSource::Mode::Sync,
                             {R::notFound(QStringLiteral("nothing")), R::found(keys("A"))});
    auto *b = new FakeSource(QStringLiteral("second"), FakeSource::Mode::Sync,
                             {R::found(keys("B")), R::notFound(QStringLiteral("gone"))});
    CredentialChain *chain = makeChain({a, b});
    auto one = std::make_shared<Answer>();
    ask(chain, m_owner.get(), one);
    QTRY_COMPARE(one->calls, 1);
    QCOMPARE(one->credentials.accessKeyId, QStringLiteral("B"));

    chain->invalidate();
    auto two = std::make_shared<Answer>();
    ask(chain, m_owner.get(), two);
    QTRY_COMPARE(two->calls, 1);
    QCOMPARE(two->credentials.accessKeyId, QStringLiteral("A"));
    QCOMPARE(b->fetches, 2);
    QCOMPARE(a->fetches, 2);
    QCOMPARE(chain->describe(), QStringLiteral("first"));
}

void TestCredentialChain::sourceTimeout()
{
    auto *a = new FakeSource(QStringLiteral("imds"), FakeSource::Mode::Hold, {R::found(keys("LATE"))});
    auto *b = new FakeSource(QStringLiteral("after"), FakeSource::Mode::Sync, {R::found(keys("B"))});
    CredentialChain *chain = makeChain({a, b});
    chain->setSourceTimeout(50);
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Timeout);
    QCOMPARE(ans->error.message, QStringLiteral("imds did not answer within 50 ms; check that it is reachable"));
    QCOMPARE(a->cancels, 1);
    QCOMPARE(b->fetches, 0);

    // A late answer is ignored: no second callback, nothing cached.
    a->release();
    QTest::qWait(20);
    QCOMPARE(ans->calls, 1);
    QVERIFY(!chain->isFetching());
    QCOMPARE(chain->describe(), QStringLiteral("chain: imds, after"));
}

void TestCredentialChain::destroyedContextGetsNoCallback()
{
    auto *s = new FakeSource(QStringLiteral("slow"), FakeSource::Mode::Hold, {R::found(keys("A"))});
    CredentialChain *chain = makeChain({s});
    auto *context = new QObject;
    auto gone = std::make_shared<Answer>();
    auto kept = std::make_shared<Answer>();
    ask(chain, context, gone);
    ask(chain, m_owner.get(), kept);
    delete context;
    s->release();
    QTRY_COMPARE(kept->calls, 1);
    QTest::qWait(20);
    QCOMPARE(gone->calls, 0);

    // Also when the context dies between the answer and its queued delivery.
    auto *context2 = new QObject;
    auto late = std::make_shared<Answer>();
    ask(chain, context2, late);  // cached: delivery is queued
    delete context2;
    QTest::qWait(20);
    QCOMPARE(late->calls, 0);
}

void TestCredentialChain::emptyKeysFromSourceAreAnError()
{
    auto *s = new FakeSource(QStringLiteral("odd"), FakeSource::Mode::Sync, {R::found(AwsCredentials())});
    CredentialChain *chain = makeChain({s});
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
}

// ------------------------------------------------------------------------------------------

void TestCredentialChain::defaultChainPrecedence_data()
{
    QTest::addColumn<QProcessEnvironment>("extraEnv");
    QTest::addColumn<QString>("flagProfile");
    QTest::addColumn<QByteArray>("credentialsFile");
    QTest::addColumn<QByteArray>("configFile");
    QTest::addColumn<QString>("keyId");   // empty: expect an error
    QTest::addColumn<QString>("source");  // or the error message

    const QByteArray creds = "[default]\naws_access_key_id = CRED_DEFAULT\naws_secret_access_key = s1\n"
                             "[dev]\naws_access_key_id = CRED_DEV\naws_secret_access_key = s2\n";
    const QByteArray config = "[default]\naws_access_key_id = CONF_DEFAULT\naws_secret_access_key = s3\n"
                              "[profile dev]\naws_access_key_id = CONF_DEV\naws_secret_access_key = s4\n"
                              "[profile ops]\naws_access_key_id = CONF_OPS\naws_secret_access_key = s5\n";
    const auto envKeys = envWith({{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "s0"}});

    QTest::newRow("env beats files") << envKeys << QString() << creds << config << "ENV" << "environment";
    QTest::newRow("env beats files with AWS_PROFILE")
        << envWith({{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "s0"}, {"AWS_PROFILE", "dev"}})
        << QString() << creds << config << "ENV" << "environment";
    QTest::newRow("command-line profile skips env") << envKeys << "dev" << creds << config
                                                    << "CRED_DEV" << "shared-credentials-file (profile dev)";
    QTest::newRow("credentials file beats config file") << envWith({}) << QString() << creds << config
                                                        << "CRED_DEFAULT" << "shared-credentials-file (profile default)";
    QTest::newRow("AWS_PROFILE selects") << envWith({{"AWS_PROFILE", "dev"}}) << QString() << creds << config
                                         << "CRED_DEV" << "shared-credentials-file (profile dev)";
    QTest::newRow("config file when credentials file lacks the profile") << envWith({{"AWS_PROFILE", "ops"}}) << QString()
                                                                         << creds << config << "CONF_OPS" << "config-file (profile ops)";
    QTest::newRow("config file alone") << envWith({}) << QString() << QByteArray() << config
                                       << "CONF_DEFAULT" << "config-file (profile default)";
    QTest::newRow("partial env keys stop the chain")
        << envWith({{"AWS_ACCESS_KEY_ID", "ENV"}}) << QString() << creds << config << QString()
        << "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID "
           "to use another credential source";
    QTest::newRow("secret-only env falls through") << envWith({{"AWS_SECRET_ACCESS_KEY", "x"}}) << QString() << creds << config
                                                   << "CRED_DEFAULT" << "shared-credentials-file (profile default)";
    QTest::newRow("partial file keys stop the chain")
        << envWith({}) << QString() << QByteArray("[default]\naws_access_key_id = HALF\n") << config << QString()
        << "%K line 2: profile 'default' has aws_access_key_id but no aws_secret_access_key; add the secret or remove the key id";
}

void TestCredentialChain::defaultChainPrecedence()
{
    QFETCH(QProcessEnvironment, extraEnv);
    QFETCH(QString, flagProfile);
    QFETCH(QByteArray, credentialsFile);
    QFETCH(QByteArray, configFile);
    QFETCH(QString, keyId);
    QFETCH(QString, source);

    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString credPath = home.filePath(QStringLiteral(".aws/credentials"));
    if (!credentialsFile.isEmpty())
        QVERIFY(writeFile(credPath, credentialsFile));
    if (!configFile.isEmpty())
        QVERIFY(writeFile(home.filePath(QStringLiteral(".aws/config")), configFile));
    QProcessEnvironment env = extraEnv;
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));

    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, flagProfile, &error);
    QVERIFY2(!error, qPrintable(error.message));
    auto *chain = new DefaultCredentialChain(env, shared, m_owner.get());
    QCOMPARE(chain->sources().size(), 9);  // env, assume role, web identity, SSO, credentials file, process, config file, container, IMDS
    auto ans = std::make_shared<Answer>();
    ask(chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    if (keyId.isEmpty()) {
        QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
        QCOMPARE(ans->error.message, QString(source).replace(QLatin1String("%K"), credPath));
    } else {
        QVERIFY2(!ans->error, qPrintable(ans->error.message));
        QCOMPARE(ans->credentials.accessKeyId, keyId);
        QCOMPARE(ans->credentials.source, source);
        QCOMPARE(chain->describe(), source);
    }
}

void TestCredentialChain::defaultChainNothingFound()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QVERIFY(writeFile(home.filePath(QStringLiteral(".aws/config")), "[profile dev]\nregion = eu-west-1\n"));
    const QProcessEnvironment env = envWith({{"HOME", home.path()}, {"AWS_PROFILE", "dev"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY(!error);
    DefaultCredentialChain chain(env, shared);
    auto ans = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Credentials);
    QCOMPARE(ans->error.message,
             QStringLiteral("no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; "
                            "assume role: profile 'dev' has no role_arn; "
                            "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set and profile 'dev' has no web_identity_token_file; "
                            "IAM Identity Center (SSO): profile 'dev' has no sso_account_id/sso_role_name; "
                            "shared credentials file %1/.aws/credentials: no such file; "
                            "credential_process: profile 'dev' has no credential_process; "
                            "config file %1/.aws/config: profile 'dev' has no aws_access_key_id; "
                            "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; "
                            "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED=true); "
                            "provide them in one of these places").arg(home.path()));

    // With the profile given on the command line, the environment is named as skipped.
    const AwsSharedConfig flagged = AwsSharedConfig::load(env, QStringLiteral("dev"), &error);
    QVERIFY(!error);
    DefaultCredentialChain chain2(env, flagged);
    auto ans2 = std::make_shared<Answer>();
    ask(&chain2, m_owner.get(), ans2);
    QTRY_COMPARE(ans2->calls, 1);
    QVERIFY2(ans2->error.message.startsWith(QStringLiteral(
                 "no AWS credentials found (environment: not used because profile 'dev' was given on the command line; ")),
             qPrintable(ans2->error.message));
}

void TestCredentialChain::defaultChainWithoutHome()
{
    const QProcessEnvironment env = envWith({{"AWS_EC2_METADATA_DISABLED", "true"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY(!error);
    DefaultCredentialChain chain(env, shared);
    auto ans = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.message,
             QStringLiteral("no AWS credentials found (environment: AWS_ACCESS_KEY_ID not set; "
                            "assume role: profile 'default' has no role_arn; "
                            "web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set and profile 'default' has no web_identity_token_file; "
                            "IAM Identity Center (SSO): profile 'default' has no sso_account_id/sso_role_name; "
                            "shared credentials file: not looked for (HOME is not set and AWS_SHARED_CREDENTIALS_FILE is not set); "
                            "credential_process: profile 'default' has no credential_process; "
                            "config file: not looked for (HOME is not set and AWS_CONFIG_FILE is not set); "
                            "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; "
                            "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED=true); "
                            "provide them in one of these places"));
}

void TestCredentialChain::defaultChainRereadsRotatedFile()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString path = home.filePath(QStringLiteral(".aws/credentials"));
    QVERIFY(writeFile(path, "[default]\naws_access_key_id = ONE\naws_secret_access_key = s\naws_session_token = t1\n"));
    const QProcessEnvironment env = envWith({{"HOME", home.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);
    QVERIFY(!error);
    DefaultCredentialChain chain(env, shared);
    auto one = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), one);
    QTRY_COMPARE(one->calls, 1);
    QCOMPARE(one->credentials.accessKeyId, QStringLiteral("ONE"));
    QCOMPARE(one->credentials.sessionToken, QStringLiteral("t1"));

    // A tool rewrites the file; the cached keys stay until invalidate().
    QVERIFY(writeFile(path, "[default]\naws_access_key_id = TWO\naws_secret_access_key = s\naws_session_token = t2\n"));
    auto cached = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), cached);
    QTRY_COMPARE(cached->calls, 1);
    QCOMPARE(cached->credentials.accessKeyId, QStringLiteral("ONE"));
    chain.invalidate();
    auto two = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), two);
    QTRY_COMPARE(two->calls, 1);
    QCOMPARE(two->credentials.accessKeyId, QStringLiteral("TWO"));
    QCOMPARE(two->credentials.sessionToken, QStringLiteral("t2"));
}

void TestCredentialChain::defaultChainParseErrorAtFetch()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString path = home.filePath(QStringLiteral(".aws/credentials"));
    const QProcessEnvironment env = envWith({{"HOME", home.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}});
    AwsError error;
    const AwsSharedConfig shared = AwsSharedConfig::load(env, {}, &error);  // no files yet
    QVERIFY(!error);
    DefaultCredentialChain chain(env, shared);
    QVERIFY(writeFile(path, "[default]\naws_access_key_id = A\nnot a setting\n"));
    auto ans = std::make_shared<Answer>();
    ask(&chain, m_owner.get(), ans);
    QTRY_COMPARE(ans->calls, 1);
    QCOMPARE(ans->error.kind, AwsError::Kind::Config);
    QCOMPARE(ans->error.message, path + QStringLiteral(" line 3: expected 'key = value' or '[section]', got 'not a setting'; "
                                                       "settings need '=' between name and value"));
}

QTEST_GUILESS_MAIN(TestCredentialChain)
#include "tst_credentialchain.moc"
