#pragma once

#include "metrics/buildinfo.h"
#include "metrics/gzipsplice.h"
#include "model/refreshstats.h"
#include "model/registrysnapshot.h"

#include <QByteArray>
#include <QObject>
#include <memory>

// Turns snapshots into the bytes a scrape sends. The registry part of the exposition is
// rendered and gzip-compressed once per refresh, on a worker thread so scrapes are never
// blocked by rendering; only the small process_* part is rendered per scrape (bodyTail()).
// Results of an older publish() that finish after a newer one are dropped.
class MetricsPublisher : public QObject
{
    Q_OBJECT
public:
    explicit MetricsPublisher(const BuildInfo &build, QObject *parent = nullptr);
    ~MetricsPublisher() override;

    // Renders asynchronously; published() follows. `snapshot` may be null (first refresh
    // not done yet): then only the exporter's own metrics are rendered.
    void publish(std::shared_ptr<const RegistrySnapshot> snapshot, const RefreshStats &stats);
    // Renders synchronously (for --once and start-up): same bytes as publish() would make.
    void publishNow(std::shared_ptr<const RegistrySnapshot> snapshot, const RefreshStats &stats);

    bool hasBody() const { return !m_plain.isEmpty(); }
    // The shared, rarely changing prefix of every scrape (implicitly shared, never copied).
    const QByteArray &plainPrefix() const { return m_plain; }
    const QByteArray &gzipPrefix() const { return m_gzip.prefixBytes(); }
    // What completes the body after the prefix for one scrape: fresh process_* metrics,
    // raw or as the end of the gzip member.
    QByteArray bodyTail(bool gzip) const;
    // A whole body (prefix + tail), e.g. for --once.
    QByteArray wholeBody() const;

    double lastRenderSeconds() const { return m_lastRenderSeconds; }

signals:
    void published();

private:
    struct Rendered;
    static Rendered render(const BuildInfo &build, std::shared_ptr<const RegistrySnapshot> snapshot,
                           const RefreshStats &stats);
    void accept(quint64 generation, Rendered rendered);

    BuildInfo m_build;
    QByteArray m_plain;
    GzipSplice m_gzip;
    quint64 m_generation = 0;   // of the newest publish() call
    quint64 m_accepted = 0;     // of the rendering now served
    double m_lastRenderSeconds = 0;
};
