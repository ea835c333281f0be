// fakeecr_serve: runs a FakeEcrServer with a generated registry for out-of-process clients
// (the boto3 cross-check). Prints "PORT <n>" on stdout once listening, optionally writes
// the registry's ground truth as JSON, and serves until stdin closes or SIGTERM/SIGINT.

#include "fakeecrserver.h"
#include "fakeregistry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe calls here; the event loop picks the byte up.
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

QJsonValue ms(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(double(t.toMSecsSinceEpoch())) : QJsonValue();
}

QJsonObject repositoryJson(const EcrRepository &r)
{
    return {{"repositoryArn", r.repositoryArn},
            {"registryId", r.registryId},
            {"repositoryName", r.repositoryName},
            {"repositoryUri", r.repositoryUri},
            {"createdAtMs", ms(r.createdAt)},
            {"imageTagMutability", r.imageTagMutability},
            {"tagMutabilityExclusionFilters", QJsonArray::fromStringList(r.tagMutabilityExclusionFilters)},
            {"scanOnPush", r.scanOnPush},
            {"encryptionType", r.encryptionType},
            {"kmsKey", r.kmsKey}};
}

QJsonObject imageJson(const EcrImage &i)
{
    QJsonObject counts;
    for (auto it = i.severityCounts.cbegin(); it != i.severityCounts.cend(); ++it)
        counts.insert(it.key(), it.value());
    return {{"imageDigest", i.imageDigest},
            {"imageTags", QJsonArray::fromStringList(i.imageTags)},
            {"imageSizeInBytes", double(i.imageSizeInBytes)},
            {"imagePushedAtMs", ms(i.imagePushedAt)},
            {"scanStatus", i.scanStatus},
            {"scanStatusDescription", i.scanStatusDescription},
            {"hasScanSummary", i.hasScanSummary},
            {"scanCompletedAtMs", ms(i.scanCompletedAt)},
            {"vulnerabilitySourceUpdatedAtMs", ms(i.vulnerabilitySourceUpdatedAt)},
            {"severityCounts", counts},
            {"imageManifestMediaType", i.imageManifestMediaType},
            {"artifactMediaType", i.artifactMediaType},
            {"lastRecordedPullTimeMs", ms(i.lastRecordedPullTime)},
            {"subjectManifestDigest", i.subjectManifestDigest},
            {"imageStatus", i.imageStatus}};
}

QByteArray groundTruth(const FakeRegistry &registry)
{
    QJsonArray repositories;
    for (const EcrRepository &r : registry.repositories) {
        QJsonObject repo = repositoryJson(r);
        QJsonArray images;
        for (const EcrImage &i : registry.images.value(r.repositoryName))
            images.append(imageJson(i));
        repo.insert("images", images);
        repositories.append(repo);
    }
    return QJsonDocument(QJsonObject{{"registryId", registry.registryId},
                                     {"region", registry.region},
                                     {"imageCount", registry.imageCount(false)},
                                     {"taggedImageCount", registry.imageCount(true)},
                                     {"tagCount", registry.tagCount()},
                                     {"repositories", repositories}})
        .toJson(QJsonDocument::Compact);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "fakeecr_serve: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Serve a fake ECR registry on 127.0.0.1 until stdin closes."));
    parser.addHelpOption();
    const QCommandLineOption repositories(QStringLiteral("repositories"), QStringLiteral("Repository count."), QStringLiteral("n"), QStringLiteral("10"));
    const QCommandLineOption images(QStringLiteral("images"), QStringLiteral("Average images per repository."), QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption registryId(QStringLiteral("registry-id"), QStringLiteral("12-digit registry id."), QStringLiteral("id"), QStringLiteral("123456789012"));
    const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("Region."), QStringLiteral("region"), QStringLiteral("eu-west-1"));
    const QCommandLineOption accessKey(QStringLiteral("access-key"), QStringLiteral("Accepted access key id."), QStringLiteral("id"));
    const QCommandLineOption secret(QStringLiteral("secret"), QStringLiteral("Its secret key."), QStringLiteral("secret"));
    const QCommandLineOption tempAccessKey(QStringLiteral("temp-access-key"), QStringLiteral("Accepted temporary access key id."), QStringLiteral("id"));
    const QCommandLineOption tempSecret(QStringLiteral("temp-secret"), QStringLiteral("Its secret key."), QStringLiteral("secret"));
    const QCommandLineOption sessionToken(QStringLiteral("session-token"), QStringLiteral("Its session token."), QStringLiteral("token"));
    const QCommandLineOption latency(QStringLiteral("latency"), QStringLiteral("Added latency in ms."), QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption pageCap(QStringLiteral("page-cap"), QStringLiteral("Largest page served."), QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption dump(QStringLiteral("dump"), QStringLiteral("Write the ground truth as JSON to this file."), QStringLiteral("file"));
    parser.addOptions({repositories, images, seed, registryId, region, accessKey, secret, tempAccessKey, tempSecret,
                       sessionToken, latency, pageCap, dump});
    parser.process(app);

    auto number = [&](const QCommandLineOption &option, int *out) {
        bool ok = false;
        *out = parser.value(option).toInt(&ok);
        return ok;
    };
    FakeRegistry::Spec spec;
    int repoCount = 0, imageCount = 0, seedValue = 0, latencyMs = 0, cap = 0;
    if (!number(repositories, &repoCount) || !number(images, &imageCount) || !number(seed, &seedValue)
        || !number(latency, &latencyMs) || !number(pageCap, &cap))
        return fail(QStringLiteral("--repositories, --images, --seed, --latency and --page-cap take integers"));
    if (!parser.isSet(accessKey) || !parser.isSet(secret))
        return fail(QStringLiteral("--access-key and --secret are required"));
    spec.repositories = repoCount;
    spec.imagesPerRepository = imageCount;
    spec.seed = quint32(seedValue);
    spec.registryId = parser.value(registryId);
    spec.region = parser.value(region);
    const FakeRegistry registry = FakeRegistry::generate(spec);

    if (parser.isSet(dump)) {
        QFile file(parser.value(dump));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(groundTruth(registry)) < 0)
            return fail(QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
    }

    FakeEcrServer server;
    server.setRegistry(registry);
    server.addCredentials(parser.value(accessKey), parser.value(secret));
    if (parser.isSet(tempAccessKey))
        server.addCredentials(parser.value(tempAccessKey), parser.value(tempSecret), parser.value(sessionToken));
    server.setLatency(latencyMs);
    server.setPageCap(cap);
    if (!server.listen())
        return fail(QStringLiteral("cannot listen on 127.0.0.1"));

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return fail(QStringLiteral("socketpair failed"));
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] { app.quit(); });

    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, &app, [&] {
        char buffer[256];
        // End of file (or an error) means the parent is gone: stop. Other input is ignored.
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0) {
            stdinNotifier.setEnabled(false);
            app.quit();
        }
    });

    std::printf("PORT %u\n", unsigned(server.port()));
    std::fflush(stdout);
    return app.exec();
}
