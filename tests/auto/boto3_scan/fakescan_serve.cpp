// fakescan_serve: a FakeEcrServer and a FakeInspectorServer over one generated registry in a
// chosen scan mode, for out-of-process clients (the boto3 cross-check). Prints
// "PORT <ecr> <inspector>" once listening, optionally writes the ground truth as JSON, and
// serves until stdin closes.

#include "fakeecrserver.h"
#include "fakeinspectorserver.h"
#include "fakeregistry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

namespace {

QJsonValue ms(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(double(t.toMSecsSinceEpoch())) : QJsonValue();
}

QByteArray groundTruth(const FakeRegistry &registry)
{
    QJsonArray repositories;
    for (const EcrRepository &r : registry.repositories) {
        QJsonArray images;
        for (const EcrImage &i : registry.images.value(r.repositoryName)) {
            QJsonObject counts;
            for (auto it = i.severityCounts.cbegin(); it != i.severityCounts.cend(); ++it)
                counts.insert(it.key(), it.value());
            images.append(QJsonObject{{"imageDigest", i.imageDigest},
                                      {"imageTags", QJsonArray::fromStringList(i.imageTags)},
                                      {"scanStatus", i.scanStatus},
                                      {"scanStatusDescription", i.scanStatusDescription},
                                      {"hasScanSummary", i.hasScanSummary},
                                      {"scanCompletedAtMs", ms(i.scanCompletedAt)},
                                      {"vulnerabilitySourceUpdatedAtMs", ms(i.vulnerabilitySourceUpdatedAt)},
                                      {"severityCounts", counts}});
        }
        repositories.append(QJsonObject{{"repositoryName", r.repositoryName}, {"images", images}});
    }
    QJsonArray rules;
    for (const auto &rule : registry.scanningRules)
        rules.append(QJsonObject{{"scanFrequency", rule.scanFrequency},
                                 {"repositoryFilters", QJsonArray::fromStringList(rule.repositoryFilters)}});
    return QJsonDocument(QJsonObject{{"registryId", registry.registryId},
                                     {"region", registry.region},
                                     {"scanType", FakeRegistry::scanTypeName(registry.scanMode)},
                                     {"rules", rules},
                                     {"repositories", repositories}})
        .toJson(QJsonDocument::Compact);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "fakescan_serve: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Serve a fake ECR and Inspector on 127.0.0.1 until stdin closes."));
    parser.addHelpOption();
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("legacy, current or enhanced."), QStringLiteral("mode"), QStringLiteral("legacy"));
    const QCommandLineOption counts(QStringLiteral("severity-counts"), QStringLiteral("alternate, always or never."), QStringLiteral("policy"), QStringLiteral("alternate"));
    const QCommandLineOption repositories(QStringLiteral("repositories"), QStringLiteral("Repository count."), QStringLiteral("n"), QStringLiteral("8"));
    const QCommandLineOption images(QStringLiteral("images"), QStringLiteral("Average images per repository."), QStringLiteral("n"), QStringLiteral("6"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Generator seed."), QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption registryId(QStringLiteral("registry-id"), QStringLiteral("12-digit registry id."), QStringLiteral("id"), QStringLiteral("123456789012"));
    const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("Region."), QStringLiteral("region"), QStringLiteral("eu-west-1"));
    const QCommandLineOption accessKey(QStringLiteral("access-key"), QStringLiteral("Accepted access key id."), QStringLiteral("id"));
    const QCommandLineOption secret(QStringLiteral("secret"), QStringLiteral("Its secret key."), QStringLiteral("secret"));
    const QCommandLineOption pageCap(QStringLiteral("page-cap"), QStringLiteral("Largest ECR page served."), QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption deny(QStringLiteral("deny"), QStringLiteral("Answer AccessDeniedException to this operation (repeatable; ListFindingAggregations for Inspector)."), QStringLiteral("operation"));
    const QCommandLineOption dump(QStringLiteral("dump"), QStringLiteral("Write the ground truth as JSON to this file."), QStringLiteral("file"));
    parser.addOptions({mode, counts, repositories, images, seed, registryId, region, accessKey, secret, pageCap, deny, dump});
    parser.process(app);

    FakeRegistry::Spec spec;
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    spec.repositories = parser.value(repositories).toInt(&ok1);
    spec.imagesPerRepository = parser.value(images).toInt(&ok2);
    spec.seed = parser.value(seed).toUInt(&ok3);
    const int cap = parser.value(pageCap).toInt(&ok4);
    if (!ok1 || !ok2 || !ok3 || !ok4)
        return fail(QStringLiteral("--repositories, --images, --seed and --page-cap take integers"));
    if (!parser.isSet(accessKey) || !parser.isSet(secret))
        return fail(QStringLiteral("--access-key and --secret are required"));
    const QString m = parser.value(mode);
    if (m == QLatin1String("legacy"))
        spec.scanMode = FakeRegistry::ScanMode::BasicLegacy;
    else if (m == QLatin1String("current"))
        spec.scanMode = FakeRegistry::ScanMode::BasicCurrent;
    else if (m == QLatin1String("enhanced"))
        spec.scanMode = FakeRegistry::ScanMode::Enhanced;
    else
        return fail(QStringLiteral("--mode must be legacy, current or enhanced, not \"%1\"").arg(m));
    spec.registryId = parser.value(registryId);
    spec.region = parser.value(region);
    const FakeRegistry registry = FakeRegistry::generate(spec);

    if (parser.isSet(dump)) {
        QFile file(parser.value(dump));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(groundTruth(registry)) < 0)
            return fail(QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
    }

    FakeEcrServer ecr;
    ecr.setRegistry(registry);
    ecr.addCredentials(parser.value(accessKey), parser.value(secret));
    ecr.setPageCap(cap);
    const QString policy = parser.value(counts);
    if (policy == QLatin1String("always"))
        ecr.setSeverityCountsPolicy(FakeEcrServer::SeverityCountsPolicy::Always);
    else if (policy == QLatin1String("never"))
        ecr.setSeverityCountsPolicy(FakeEcrServer::SeverityCountsPolicy::Never);
    else if (policy != QLatin1String("alternate"))
        return fail(QStringLiteral("--severity-counts must be alternate, always or never"));
    FakeInspectorServer inspector(&ecr);
    inspector.addCredentials(parser.value(accessKey), parser.value(secret));
    for (const QString &operation : parser.values(deny)) {
        if (operation == QLatin1String("ListFindingAggregations"))
            inspector.injectFault(FakeInspectorServer::Fault::AccessDenied, -1);
        else
            ecr.injectFault(operation, FakeEcrServer::Fault::AccessDenied, -1);
    }
    if (!ecr.listen() || !inspector.listen())
        return fail(QStringLiteral("cannot listen on 127.0.0.1"));

    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, &app, [&] {
        char buffer[256];
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0) {
            stdinNotifier.setEnabled(false);
            app.quit();
        }
    });
    std::printf("PORT %u %u\n", unsigned(ecr.port()), unsigned(inspector.port()));
    std::fflush(stdout);
    return app.exec();
}
