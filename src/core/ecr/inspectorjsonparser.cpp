#include "inspectorjsonparser.h"

#include "jsonreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

QJsonArray equalsFilters(const QStringList &values)
{
    QJsonArray out;
    for (const QString &v : values)
        out.append(QJsonObject{{QLatin1String("comparison"), QLatin1String("EQUALS")}, {QLatin1String("value"), v}});
    return out;
}

} // namespace

QByteArray InspectorJsonParser::listEcrContainerAggregationsBody(const QString &accountId,
                                                                 const QStringList &repositories, int maxResults,
                                                                 const QString &nextToken)
{
    QJsonObject aggregation{{QLatin1String("sortBy"), QLatin1String("ALL")},
                            {QLatin1String("sortOrder"), QLatin1String("DESC")}};
    if (!repositories.isEmpty())
        aggregation.insert(QLatin1String("repositories"), equalsFilters(repositories));
    QJsonObject o;
    o.insert(QLatin1String("aggregationType"), QLatin1String("AWS_ECR_CONTAINER"));
    o.insert(QLatin1String("aggregationRequest"),
             QJsonObject{{QLatin1String("awsEcrContainerAggregation"), aggregation}});
    if (!accountId.isEmpty())
        o.insert(QLatin1String("accountIds"), equalsFilters({accountId}));
    o.insert(QLatin1String("maxResults"), maxResults);
    if (!nextToken.isEmpty())
        o.insert(QLatin1String("nextToken"), nextToken);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

AwsError InspectorJsonParser::parseListFindingAggregations(const QByteArray &body, AggregationsPage *page)
{
    JsonReader r(QStringLiteral("ListFindingAggregations"));
    QJsonObject top;
    if (!r.parseObject(body, &top))
        return r.error();
    AggregationsPage result;
    const QString type = r.string(top, "aggregationType", QString());
    if (r.ok() && !type.isEmpty() && type != QLatin1String("AWS_ECR_CONTAINER"))
        r.fail(QStringLiteral("aggregationType is \"%1\", expected AWS_ECR_CONTAINER").arg(type));
    const QJsonArray responses = r.array(top, "responses", QString());
    for (qsizetype i = 0; i < responses.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("responses[%1]").arg(i);
        if (!responses.at(i).isObject()) {
            r.wrongType(path, responses.at(i), "an object");
            break;
        }
        bool present = false;
        const QJsonObject a = r.object(responses.at(i).toObject(), "awsEcrContainerAggregation", path, &present);
        if (!present)
            continue; // another aggregation kind (a union member we did not ask for)
        const QString apath = JsonReader::join(path, "awsEcrContainerAggregation");
        InspectorImageCounts c;
        c.accountId = r.string(a, "accountId", apath);
        c.repository = r.string(a, "repository", apath);
        c.imageSha = r.string(a, "imageSha", apath);
        c.imageTags = r.strings(a, "imageTags", apath);
        c.resourceId = r.string(a, "resourceId", apath);
        const QJsonObject counts = r.object(a, "severityCounts", apath);
        const QString cpath = JsonReader::join(apath, "severityCounts");
        c.all = r.count(counts, QStringLiteral("all"), cpath, 0);
        c.critical = r.count(counts, QStringLiteral("critical"), cpath, 0);
        c.high = r.count(counts, QStringLiteral("high"), cpath, 0);
        c.medium = r.count(counts, QStringLiteral("medium"), cpath, 0);
        if (r.ok() && (c.repository.isEmpty() || c.imageSha.isEmpty()))
            r.fail(QStringLiteral("%1 has no repository or imageSha").arg(apath));
        result.images.append(c);
    }
    result.nextToken = r.string(top, "nextToken", QString());
    if (!r.ok())
        return r.error();
    *page = std::move(result);
    return {};
}
