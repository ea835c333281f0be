// The desktop's item models under QAbstractItemModelTester, with hand-made snapshots whose
// expected values are worked out by hand in the comments, plus the pure helpers they use
// and the notification rule.
#include "model/criticalalerttracker.h"
#include "model/displayformat.h"
#include "model/imagelistmodel.h"
#include "model/registrytotals.h"
#include "model/repositorylistmodel.h"
#include "model/rolefiltermodel.h"
#include "model/severity.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    return t;
}

EcrImage image(const QString &repo, const QString &digest, const QStringList &tags, qint64 size,
               const char *pushed, const QMap<QString, int> &severities = {})
{
    EcrImage i;
    i.registryId = QStringLiteral("123456789012");
    i.repositoryName = repo;
    i.imageDigest = digest;
    i.imageTags = tags;
    i.imageSizeInBytes = size;
    if (pushed)
        i.imagePushedAt = utc(pushed);
    i.severityCounts = severities;
    if (!severities.isEmpty()) {
        i.scanStatus = QStringLiteral("COMPLETE");
        i.hasScanSummary = true;
    }
    return i;
}

RegistrySnapshot::RepositoryState repo(const QString &name, const QVector<EcrImage> &images, bool scanOnPush = true,
                                       const QString &mutability = QStringLiteral("MUTABLE"),
                                       const QString &encryption = QStringLiteral("AES256"))
{
    RegistrySnapshot::RepositoryState state;
    state.repository.registryId = QStringLiteral("123456789012");
    state.repository.repositoryName = name;
    state.repository.repositoryUri = QStringLiteral("123456789012.dkr.ecr.eu-west-1.amazonaws.com/") + name;
    state.repository.repositoryArn = QStringLiteral("arn:aws:ecr:eu-west-1:123456789012:repository/") + name;
    state.repository.scanOnPush = scanOnPush;
    state.repository.imageTagMutability = mutability;
    state.repository.encryptionType = encryption;
    state.images = images;
    return state;
}

std::shared_ptr<const RegistrySnapshot> snapshot(const QVector<RegistrySnapshot::RepositoryState> &repos)
{
    auto s = std::make_shared<RegistrySnapshot>();
    s->registryId = QStringLiteral("123456789012");
    s->region = QStringLiteral("eu-west-1");
    s->repositories = repos;
    s->takenAt = utc("2024-06-01T12:00:00Z");
    return s;
}

const QString D1 = QStringLiteral("sha256:1111111111111111111111111111111111111111111111111111111111111111");
const QString D2 = QStringLiteral("sha256:2222222222222222222222222222222222222222222222222222222222222222");
const QString D3 = QStringLiteral("sha256:3333333333333333333333333333333333333333333333333333333333333333");
const QString D4 = QStringLiteral("sha256:4444444444444444444444444444444444444444444444444444444444444444");

using Counts = QMap<QString, int>;

// Three repositories (given out of order: the model sorts by name):
//  web/api:  2 images, 100 + 300 = 400 bytes, newest push 2024-05-02, CRITICAL 2 + HIGH 1+4
//  alpha:    no images
//  data/etl: 1 image of unknown size (-1 -> counts 0), LOW 3 -> worst LOW
std::shared_ptr<const RegistrySnapshot> threeRepos()
{
    return snapshot({
        repo(QStringLiteral("web/api"),
             {image(QStringLiteral("web/api"), D1, {QStringLiteral("v1"), QStringLiteral("latest")}, 100,
                    "2024-05-02T10:00:00Z", {{QStringLiteral("CRITICAL"), 2}, {QStringLiteral("HIGH"), 1}}),
              image(QStringLiteral("web/api"), D2, {QStringLiteral("v0")}, 300, "2024-04-01T08:30:00Z",
                    {{QStringLiteral("HIGH"), 4}, {QStringLiteral("MEDIUM"), 0}})},
             true, QStringLiteral("IMMUTABLE_WITH_EXCLUSION"), QStringLiteral("KMS")),
        repo(QStringLiteral("alpha"), {}, false),
        repo(QStringLiteral("data/etl"),
             {image(QStringLiteral("data/etl"), D3, {QStringLiteral("2024.1")}, -1, "2023-12-31T23:59:00Z",
                    {{QStringLiteral("LOW"), 3}})}),
    });
}

QStringList column(const QAbstractItemModel &model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(model.index(row, 0).data(role).toString());
    return values;
}

} // namespace

class TestDesktopModels : public QObject
{
    Q_OBJECT

private slots:
    // --- pure helpers --------------------------------------------------------------------
    void severityRanking();
    void displaySize_data();
    void displaySize();
    void displayOthers();
    void registryTotals();

    // --- repository model ----------------------------------------------------------------
    void repositoryRows();
    void repositoryMergeKeepsRows();
    void repositoryMutabilityText_data();
    void repositoryMutabilityText();

    // --- image model ---------------------------------------------------------------------
    void imageRows();
    void imageRefreshAndSwitch();

    // --- proxy ---------------------------------------------------------------------------
    void proxySortAndFilter();
    void proxyOverImages();

    // --- notification rule ---------------------------------------------------------------
    void alertRule();
};

void TestDesktopModels::severityRanking()
{
    QCOMPARE(Severity::names(), (QStringList{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"}));
    QCOMPARE(Severity::fromName(QStringLiteral("high")), Severity::High);
    QCOMPARE(Severity::fromName(QStringLiteral("NONE")), Severity::None);
    QCOMPARE(Severity::fromName(QStringLiteral("bogus")), Severity::None);
    QCOMPARE(Severity::name(Severity::Informational), QStringLiteral("INFORMATIONAL"));
    QCOMPARE(Severity::name(Severity::None), QStringLiteral("NONE"));
    // Zero counts are no findings; UNDEFINED outranks nothing but "none".
    QCOMPARE(Severity::worst({{QStringLiteral("CRITICAL"), 0}, {QStringLiteral("LOW"), 1}}), Severity::Low);
    QCOMPARE(Severity::worst({{QStringLiteral("UNDEFINED"), 5}}), Severity::Undefined);
    QCOMPARE(Severity::worst({{QStringLiteral("UNDEFINED"), 5}, {QStringLiteral("INFORMATIONAL"), 1}}),
             Severity::Informational);
    QCOMPARE(Severity::worst({}), Severity::None);
    QCOMPARE(Severity::worst({{QStringLiteral("SOMETHING_NEW"), 3}}), Severity::None);
    QCOMPARE(Severity::count({{QStringLiteral("HIGH"), 4}, {QStringLiteral("CRITICAL"), 1}}, Severity::High), 4);
    QCOMPARE(Severity::count({{QStringLiteral("HIGH"), 4}}, Severity::Critical), 0);
}

void TestDesktopModels::displaySize_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << "unknown";
    QTest::newRow("zero") << qint64(0) << "0 B";
    QTest::newRow("below KiB") << qint64(1023) << "1023 B";
    QTest::newRow("1 KiB") << qint64(1024) << "1.0 KiB";
    QTest::newRow("1.5 KiB") << qint64(1536) << "1.5 KiB";
    // 102359 / 1024 = 99.959 -> would print "100.0": whole numbers from 100 on.
    QTest::newRow("99.96 KiB") << qint64(102359) << "100 KiB";
    QTest::newRow("99.9 KiB") << qint64(102298) << "99.9 KiB"; // 99.900
    // 1048166 / 1024 = 1023.6 KiB -> rounds to 1024: the next unit instead.
    QTest::newRow("1023.6 KiB") << qint64(1048166) << "1.0 MiB";
    QTest::newRow("1 MiB") << qint64(1048576) << "1.0 MiB";
    QTest::newRow("150 MiB") << qint64(157286400) << "150 MiB";
    QTest::newRow("12.3 MiB") << qint64(12897485) << "12.3 MiB"; // 12.2999... -> 12.3
    QTest::newRow("5 GiB") << qint64(5368709120) << "5.0 GiB";
    QTest::newRow("2 TiB") << qint64(2199023255552) << "2.0 TiB";
}

void TestDesktopModels::displaySize()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(DisplayFormat::size(bytes), text);
}

void TestDesktopModels::displayOthers()
{
    QCOMPARE(DisplayFormat::shortDigest(D1), QStringLiteral("sha256:111111111111"));
    QCOMPARE(DisplayFormat::shortDigest(QStringLiteral("abcdef0123456789")), QStringLiteral("abcdef012345"));
    QCOMPARE(DisplayFormat::dateTime(utc("2024-03-01T14:05:59Z"), Qt::UTC), QStringLiteral("2024-03-01 14:05"));
    QCOMPARE(DisplayFormat::dateTime(QDateTime(), Qt::UTC, QStringLiteral("never")), QStringLiteral("never"));
    const QDateTime now = utc("2024-06-01T12:00:00Z");
    QCOMPARE(DisplayFormat::age(utc("2024-06-01T11:59:30Z"), now), QStringLiteral("just now"));
    QCOMPARE(DisplayFormat::age(utc("2024-06-01T12:05:00Z"), now), QStringLiteral("just now")); // future: skew
    QCOMPARE(DisplayFormat::age(utc("2024-06-01T11:59:00Z"), now), QStringLiteral("1 minute ago"));
    QCOMPARE(DisplayFormat::age(utc("2024-06-01T09:00:00Z"), now), QStringLiteral("3 hours ago"));
    QCOMPARE(DisplayFormat::age(utc("2024-05-30T12:00:00Z"), now), QStringLiteral("2 days ago"));
    QCOMPARE(DisplayFormat::age(utc("2024-02-01T12:00:00Z"), now), QStringLiteral("4 months ago")); // 121 days
    QCOMPARE(DisplayFormat::age(utc("2022-05-01T12:00:00Z"), now), QStringLiteral("2 years ago"));
    QCOMPARE(DisplayFormat::age(QDateTime(), now, QStringLiteral("-")), QStringLiteral("-"));
    const QString uri = QStringLiteral("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web/api");
    QCOMPARE(DisplayFormat::imageUri(uri, {QStringLiteral("v1"), QStringLiteral("latest")}, D1), uri + QStringLiteral(":v1"));
    QCOMPARE(DisplayFormat::imageUri(uri, {}, D1), uri + QStringLiteral("@") + D1);
}

void TestDesktopModels::registryTotals()
{
    auto s = std::const_pointer_cast<RegistrySnapshot>(threeRepos());
    s->repositories[2].imagesFresh = false;
    const RegistryTotals t = RegistryTotals::compute(*s);
    QCOMPARE(t.repositoryCount, 3);
    QCOMPARE(t.imageCount, 3);
    QCOMPARE(t.totalSizeBytes, qint64(400)); // 100 + 300 + (unknown -> 0)
    QCOMPARE(t.total(Severity::Critical), 2);
    QCOMPARE(t.total(Severity::High), 5);    // 1 + 4
    QCOMPARE(t.total(Severity::Low), 3);
    QCOMPARE(t.total(Severity::Medium), 0);
    QCOMPARE(t.severityTotals.size(), 6);    // every name present, zeros included
    QCOMPARE(t.imagesWithCritical, 1);
    QCOMPARE(t.imagesWithHigh, 2);
    QCOMPARE(t.worst, Severity::Critical);
    QCOMPARE(t.staleRepositories, 1);
    const RegistryTotals empty = RegistryTotals::compute(RegistrySnapshot());
    QCOMPARE(empty.worst, Severity::None);
    QCOMPARE(empty.total(Severity::Critical), 0);
}

void TestDesktopModels::repositoryRows()
{
    RepositoryListModel model;
    model.setTimeSpec(Qt::UTC);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy countSpy(&model, &RepositoryListModel::countChanged);
    model.setSnapshot(threeRepos());
    QCOMPARE(countSpy.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(column(model, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));
    QCOMPARE(model.rowOfName(QStringLiteral("web/api")), 2);
    QCOMPARE(model.rowOfName(QStringLiteral("nope")), -1);

    const QModelIndex web = model.index(2, 0);
    QCOMPARE(web.data(RepositoryListModel::ImageCountRole).toInt(), 2);
    QCOMPARE(web.data(RepositoryListModel::TotalSizeRole).toLongLong(), 400);
    QCOMPARE(web.data(RepositoryListModel::TotalSizeTextRole).toString(), QStringLiteral("400 B"));
    QCOMPARE(web.data(RepositoryListModel::NewestPushRole).toDateTime(), utc("2024-05-02T10:00:00Z"));
    QCOMPARE(web.data(RepositoryListModel::NewestPushTextRole).toString(), QStringLiteral("2024-05-02 10:00"));
    QCOMPARE(web.data(RepositoryListModel::WorstSeverityRole).toString(), QStringLiteral("CRITICAL"));
    QCOMPARE(web.data(RepositoryListModel::WorstSeverityRankRole).toInt(), int(Severity::Critical));
    QCOMPARE(web.data(RepositoryListModel::CriticalRole).toInt(), 2);
    QCOMPARE(web.data(RepositoryListModel::HighRole).toInt(), 5);
    QCOMPARE(web.data(RepositoryListModel::EncryptionRole).toString(), QStringLiteral("KMS"));
    QCOMPARE(web.data(RepositoryListModel::ScanOnPushRole).toBool(), true);
    QCOMPARE(web.data(RepositoryListModel::ScannedImagesRole).toInt(), 2); // both have a scan summary

    const QModelIndex alpha = model.index(0, 0);
    QCOMPARE(alpha.data(RepositoryListModel::ImageCountRole).toInt(), 0);
    QVERIFY(!alpha.data(RepositoryListModel::NewestPushRole).isValid());
    QCOMPARE(alpha.data(RepositoryListModel::NewestPushTextRole).toString(), QString());
    QCOMPARE(alpha.data(RepositoryListModel::WorstSeverityRole).toString(), QStringLiteral("NONE"));
    QCOMPARE(alpha.data(RepositoryListModel::ScanOnPushRole).toBool(), false);
    QCOMPARE(alpha.data(RepositoryListModel::ScannedImagesRole).toInt(), 0);

    const QModelIndex etl = model.index(1, 0);
    QCOMPARE(etl.data(RepositoryListModel::TotalSizeRole).toLongLong(), 0);
    QCOMPARE(etl.data(RepositoryListModel::WorstSeverityRole).toString(), QStringLiteral("LOW"));

    // Every role name is unique and non-empty (QML looks roles up by name).
    const auto roles = model.roleNames();
    QCOMPARE(QSet<QByteArray>(roles.cbegin(), roles.cend()).size(), roles.size());

    model.setSnapshot(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(countSpy.count(), 2);
}

void TestDesktopModels::repositoryMergeKeepsRows()
{
    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(threeRepos());
    const QPersistentModelIndex web(model.index(2, 0));
    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Next refresh: "alpha" deleted, "beta" and "cache" created (sort between alpha and
    // data/etl), "web/api" loses its old image, "data/etl" unchanged.
    auto next = threeRepos();
    auto edited = std::const_pointer_cast<RegistrySnapshot>(next);
    edited->repositories.removeAt(1); // alpha
    edited->repositories[0].images.removeAt(1);
    edited->repositories.append(repo(QStringLiteral("cache"), {}));
    edited->repositories.append(repo(QStringLiteral("beta"), {}));
    model.setSnapshot(next);

    QCOMPARE(column(model, RepositoryListModel::NameRole), (QStringList{"beta", "cache", "data/etl", "web/api"}));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(removed.count(), 1);   // alpha
    QCOMPARE(inserted.count(), 1);  // beta + cache as one range
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(changed.count(), 1);   // web/api only
    QVERIFY(web.isValid());
    QCOMPARE(web.row(), 3);
    QCOMPARE(web.data(RepositoryListModel::ImageCountRole).toInt(), 1);
    QCOMPARE(web.data(RepositoryListModel::HighRole).toInt(), 1);

    // The same snapshot again changes nothing.
    changed.clear();
    model.setSnapshot(next);
    QCOMPARE(changed.count(), 0);
}

void TestDesktopModels::repositoryMutabilityText_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("filters");
    QTest::addColumn<QString>("text");
    QTest::newRow("mutable") << "MUTABLE" << QStringList() << "mutable";
    QTest::newRow("immutable") << "IMMUTABLE" << QStringList() << "immutable";
    QTest::newRow("immutable except")
        << "IMMUTABLE_WITH_EXCLUSION" << QStringList{"WILDCARD:latest", "WILDCARD:dev-*"} << "immutable, except latest, dev-*";
    QTest::newRow("mutable except") << "MUTABLE_WITH_EXCLUSION" << QStringList{"WILDCARD:release-*"}
                                    << "mutable, except release-*";
    QTest::newRow("exclusions unknown") << "MUTABLE_WITH_EXCLUSION" << QStringList() << "mutable, with exclusions";
    QTest::newRow("absent") << "" << QStringList() << "unknown";
}

void TestDesktopModels::repositoryMutabilityText()
{
    QFETCH(QString, value);
    QFETCH(QStringList, filters);
    QFETCH(QString, text);
    EcrRepository r;
    r.imageTagMutability = value;
    r.tagMutabilityExclusionFilters = filters;
    QCOMPARE(RepositoryListModel::mutabilityText(r), text);
}

void TestDesktopModels::imageRows()
{
    ImageListModel model;
    model.setTimeSpec(Qt::UTC);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(threeRepos());
    QCOMPARE(model.rowCount(), 0); // no repository chosen yet
    QSignalSpy nameSpy(&model, &ImageListModel::repositoryNameChanged);
    model.setRepositoryName(QStringLiteral("web/api"));
    QCOMPARE(nameSpy.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.repositoryUri(), QStringLiteral("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web/api"));

    const QModelIndex first = model.index(0, 0); // D1 sorts first
    QCOMPARE(first.data(ImageListModel::DigestRole).toString(), D1);
    QCOMPARE(first.data(ImageListModel::ShortDigestRole).toString(), QStringLiteral("sha256:111111111111"));
    QCOMPARE(first.data(ImageListModel::TagsRole).toStringList(), (QStringList{"v1", "latest"}));
    QCOMPARE(first.data(ImageListModel::TagsTextRole).toString(), QStringLiteral("v1, latest"));
    QCOMPARE(first.data(ImageListModel::SizeTextRole).toString(), QStringLiteral("100 B"));
    QCOMPARE(first.data(ImageListModel::PushedAtTextRole).toString(), QStringLiteral("2024-05-02 10:00"));
    QCOMPARE(first.data(ImageListModel::LastPulledTextRole).toString(), QStringLiteral("never"));
    QVERIFY(!first.data(ImageListModel::LastPulledRole).isValid());
    QCOMPARE(first.data(ImageListModel::ScanStatusTextRole).toString(), QStringLiteral("complete"));
    QCOMPARE(first.data(ImageListModel::CriticalRole).toInt(), 2);
    QCOMPARE(first.data(ImageListModel::HighRole).toInt(), 1);
    QCOMPARE(first.data(ImageListModel::FindingsRole).toInt(), 3);
    QCOMPARE(first.data(ImageListModel::WorstSeverityRole).toString(), QStringLiteral("CRITICAL"));
    QCOMPARE(first.data(ImageListModel::ImageUriRole).toString(),
             QStringLiteral("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web/api:v1"));
    QCOMPARE(first.data(ImageListModel::DigestUriRole).toString(),
             QStringLiteral("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web/api@") + D1);

    QCOMPARE(ImageListModel::scanStatusText(QString()), QStringLiteral("not scanned"));
    QCOMPARE(ImageListModel::scanStatusText(QStringLiteral("UNSUPPORTED_IMAGE")), QStringLiteral("unsupported image"));

    model.setRepositoryName(QStringLiteral("does-not-exist"));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.repositoryUri(), QString());
}

void TestDesktopModels::imageRefreshAndSwitch()
{
    ImageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(threeRepos());
    model.setRepositoryName(QStringLiteral("web/api"));
    const QPersistentModelIndex second(model.index(1, 0)); // D2
    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Refresh: D2's scan now finds a CRITICAL, D4 was pushed, D1 deleted.
    auto next = std::const_pointer_cast<RegistrySnapshot>(threeRepos());
    QVector<EcrImage> &images = next->repositories[0].images;
    images[1].severityCounts.insert(QStringLiteral("CRITICAL"), 1);
    images.removeAt(0);
    images.append(image(QStringLiteral("web/api"), D4, {QStringLiteral("v2")}, 50, "2024-05-20T00:00:00Z"));
    model.setSnapshot(next);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(column(model, ImageListModel::DigestRole), (QStringList{D2, D4}));
    QVERIFY(second.isValid());
    QCOMPARE(second.row(), 0);
    QCOMPARE(second.data(ImageListModel::CriticalRole).toInt(), 1);

    // Another repository replaces everything (one reset).
    model.setRepositoryName(QStringLiteral("data/etl"));
    QCOMPARE(resets.count(), 1);
    QCOMPARE(column(model, ImageListModel::DigestRole), (QStringList{D3}));
    QCOMPARE(model.index(0, 0).data(ImageListModel::SizeTextRole).toString(), QStringLiteral("unknown"));
}

void TestDesktopModels::proxySortAndFilter()
{
    RepositoryListModel source;
    RoleFilterModel proxy;
    proxy.setFilterRoles({QStringLiteral("name")});
    proxy.setTieBreakRole(QStringLiteral("name"));
    proxy.setRankRole(QStringLiteral("worstSeverityRank"));
    proxy.setSourceModel(&source);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSortRoleName(QStringLiteral("name"));
    source.setSnapshot(threeRepos());
    QCOMPARE(proxy.count(), 3);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));

    QSignalSpy sortSpy(&proxy, &RoleFilterModel::sortChanged);
    proxy.toggleSort(QStringLiteral("name"));
    QVERIFY(proxy.sortDescending());
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"web/api", "data/etl", "alpha"}));

    // A new column sorts ascending: sizes alpha 0, data/etl 0, web/api 400; ties by name.
    proxy.toggleSort(QStringLiteral("totalSize"));
    QVERIFY(!proxy.sortDescending());
    QCOMPARE(sortSpy.count(), 2);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));
    proxy.setSortDescending(true);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole).first(), QStringLiteral("web/api"));

    // Missing dates sort first (ascending): alpha has no images.
    proxy.toggleSort(QStringLiteral("newestPush"));
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));
    proxy.toggleSort(QStringLiteral("worstSeverityRank"));
    proxy.setSortDescending(true);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"web/api", "data/etl", "alpha"}));
    proxy.toggleSort(QStringLiteral("scanOnPush")); // false < true; ties (two true) by name
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));
    proxy.toggleSort(QStringLiteral("encryption")); // AES256, AES256, KMS
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"alpha", "data/etl", "web/api"}));

    // Search: case-insensitive substring of the name.
    proxy.toggleSort(QStringLiteral("name"));
    QSignalSpy countSpy(&proxy, &RoleFilterModel::countChanged);
    proxy.setFilterText(QStringLiteral("A/"));
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"data/etl"}));
    QVERIFY(countSpy.count() >= 1);
    QCOMPARE(proxy.count(), 1);
    proxy.setFilterText(QString());
    QCOMPARE(proxy.count(), 3);

    // Worst severity at least HIGH.
    proxy.setMinimumRank(Severity::High);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"web/api"}));
    proxy.setMinimumRank(0);

    QCOMPARE(proxy.get(2).value(QStringLiteral("name")).toString(), QStringLiteral("web/api"));
    QCOMPARE(proxy.get(2).value(QStringLiteral("imageCount")).toInt(), 2);
    QVERIFY(proxy.get(7).isEmpty());
    QCOMPARE(proxy.indexOf(QStringLiteral("name"), QStringLiteral("data/etl")), 1);
    QCOMPARE(proxy.indexOf(QStringLiteral("name"), QStringLiteral("zzz")), -1);
    QCOMPARE(proxy.value(0, QStringLiteral("name")).toString(), QStringLiteral("alpha"));
    QVERIFY(!proxy.value(0, QStringLiteral("noSuchRole")).isValid());

    // Source changes are re-sorted and re-filtered live.
    proxy.setFilterText(QStringLiteral("t")); // beta, data/etl; not alpha, web/api
    auto next = std::const_pointer_cast<RegistrySnapshot>(threeRepos());
    next->repositories.append(repo(QStringLiteral("beta"), {}));
    source.setSnapshot(next);
    QCOMPARE(column(proxy, RepositoryListModel::NameRole), (QStringList{"beta", "data/etl"}));
}

void TestDesktopModels::proxyOverImages()
{
    ImageListModel source;
    RoleFilterModel proxy;
    proxy.setFilterRoles({QStringLiteral("tags"), QStringLiteral("digest")});
    proxy.setTieBreakRole(QStringLiteral("digest"));
    proxy.setRankRole(QStringLiteral("worstSeverityRank"));
    proxy.setSourceModel(&source);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSortRoleName(QStringLiteral("pushedAt"));
    proxy.setSortDescending(true);
    source.setSnapshot(threeRepos());
    source.setRepositoryName(QStringLiteral("web/api"));
    QCOMPARE(column(proxy, ImageListModel::DigestRole), (QStringList{D1, D2})); // 2024-05-02 before 2024-04-01

    proxy.setFilterText(QStringLiteral("LATEST")); // a tag, any case
    QCOMPARE(column(proxy, ImageListModel::DigestRole), (QStringList{D1}));
    proxy.setFilterText(QStringLiteral("2222"));   // part of a digest
    QCOMPARE(column(proxy, ImageListModel::DigestRole), (QStringList{D2}));
    proxy.setFilterText(QString());

    // "Only CRITICAL": D1 (CRITICAL 2); "CRITICAL/HIGH": both.
    proxy.setMinimumRank(Severity::Critical);
    QCOMPARE(column(proxy, ImageListModel::DigestRole), (QStringList{D1}));
    proxy.setMinimumRank(Severity::High);
    QCOMPARE(proxy.count(), 2);
    source.setRepositoryName(QStringLiteral("data/etl")); // LOW only
    QCOMPARE(proxy.count(), 0);
    proxy.setMinimumRank(0);
    QCOMPARE(proxy.count(), 1);

    // Size sort with an unknown size (-1) below every known size.
    source.setRepositoryName(QStringLiteral("web/api"));
    proxy.toggleSort(QStringLiteral("size"));
    QCOMPARE(column(proxy, ImageListModel::DigestRole), (QStringList{D1, D2})); // 100 < 300
}

void TestDesktopModels::alertRule()
{
    auto make = [](const QVector<QPair<QString, int>> &criticalByDigest, const QString &repoName = QStringLiteral("web/api")) {
        QVector<EcrImage> images;
        for (const auto &entry : criticalByDigest) {
            Counts counts;
            if (entry.second >= 0)
                counts.insert(QStringLiteral("CRITICAL"), entry.second);
            counts.insert(QStringLiteral("HIGH"), 7);
            images.append(image(repoName, entry.first, {QStringLiteral("t-") + entry.first.right(4)}, 10,
                                "2024-01-01T00:00:00Z", counts));
        }
        return *snapshot({repo(repoName, images)});
    };
    auto digests = [](const QVector<CriticalAlertTracker::Alert> &alerts) {
        QStringList list;
        for (const auto &a : alerts)
            list.append(a.digest);
        return list;
    };

    CriticalAlertTracker tracker;
    QVERIFY(!tracker.hasBaseline());
    // First refresh: D1 already CRITICAL -> silence (baseline), D2 clean, D3 not scanned.
    QVERIFY(tracker.update(make({{D1, 3}, {D2, 0}, {D3, -1}})).isEmpty());
    QVERIFY(tracker.hasBaseline());

    // D2 0 -> 2: one alert with its details; D1 stays CRITICAL: nothing.
    const auto alerts = tracker.update(make({{D1, 4}, {D2, 2}, {D3, -1}}));
    QCOMPARE(digests(alerts), QStringList{D2});
    QCOMPARE(alerts.at(0).repositoryName, QStringLiteral("web/api"));
    QCOMPARE(alerts.at(0).tags, QStringList{QStringLiteral("t-2222")});
    QCOMPARE(alerts.at(0).critical, 2);
    QCOMPARE(alerts.at(0).high, 7);

    // Same state again: nothing. D3's scan completes with CRITICALs: alert.
    QVERIFY(tracker.update(make({{D1, 4}, {D2, 2}, {D3, -1}})).isEmpty());
    QCOMPARE(digests(tracker.update(make({{D1, 4}, {D2, 2}, {D3, 1}}))), QStringList{D3});

    // D2 drops to 0 and rises again: already alerted once, no second message.
    QVERIFY(tracker.update(make({{D1, 4}, {D2, 0}, {D3, 1}})).isEmpty());
    QVERIFY(tracker.update(make({{D1, 4}, {D2, 5}, {D3, 1}})).isEmpty());

    // A digest never seen before, pushed with CRITICALs after the baseline: news.
    QCOMPARE(digests(tracker.update(make({{D1, 4}, {D4, 9}}))), QStringList{D4});
    // D1 disappeared in that refresh and comes back unchanged: its last count (4) is kept.
    QVERIFY(tracker.update(make({{D1, 4}})).isEmpty());
    QCOMPARE(tracker.knownDigests(), 4);

    // A digest in two repositories raises one alert.
    CriticalAlertTracker twice;
    twice.update(*snapshot({}));
    RegistrySnapshot two = make({{D1, 1}}, QStringLiteral("a"));
    two.repositories.append(make({{D1, 1}}, QStringLiteral("b")).repositories.first());
    const auto once = twice.update(two);
    QCOMPARE(digests(once), QStringList{D1});
    QCOMPARE(once.first().repositoryName, QStringLiteral("a"));

    // A baseline that was empty (first refresh found nothing) still counts as the baseline.
    CriticalAlertTracker empty;
    QVERIFY(empty.update(*snapshot({})).isEmpty());
    QCOMPARE(digests(empty.update(make({{D1, 1}}))), QStringList{D1});
}

QTEST_GUILESS_MAIN(TestDesktopModels)
#include "tst_desktopmodels.moc"
