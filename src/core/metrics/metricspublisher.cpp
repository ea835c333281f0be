#include "metricspublisher.h"

#include "logcategories.h"
#include "metrics/expositionwriter.h"
#include "metrics/processmetrics.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QMetaObject>
#include <QThreadPool>

struct MetricsPublisher::Rendered
{
    QByteArray plain;
    GzipSplice gzip;
    double seconds = 0;
};

MetricsPublisher::MetricsPublisher(const BuildInfo &build, QObject *parent)
    : QObject(parent)
    , m_build(build)
{
}

MetricsPublisher::~MetricsPublisher() = default;

MetricsPublisher::Rendered MetricsPublisher::render(const BuildInfo &build,
                                                    std::shared_ptr<const RegistrySnapshot> snapshot,
                                                    const RefreshStats &stats)
{
    QElapsedTimer timer;
    timer.start();
    ExpositionInput input;
    input.snapshot = std::move(snapshot);
    input.stats = stats;
    input.build = build;
    // input.process stays empty: process_* metrics are appended fresh at every scrape.
    Rendered r;
    r.plain = ExpositionWriter::render(input);
    QString error;
    r.gzip = GzipSplice::compressPrefix(r.plain, 6, &error);
    if (!r.gzip.isValid())
        qCWarning(lcMetrics).noquote() << "gzip failed, serving uncompressed:" << error;
    r.seconds = timer.nsecsElapsed() / 1e9;
    return r;
}

void MetricsPublisher::publish(std::shared_ptr<const RegistrySnapshot> snapshot, const RefreshStats &stats)
{
    const quint64 generation = ++m_generation;
    // The result is posted to the application object, never to `this`: the publisher may be
    // gone by the time the worker finishes, and the QPointer is only read in the main thread.
    QPointer<MetricsPublisher> self(this);
    QThreadPool::globalInstance()->start([self, generation, build = m_build,
                                          snapshot = std::move(snapshot), stats]() mutable {
        Rendered rendered = render(build, std::move(snapshot), stats);
        QObject *receiver = QCoreApplication::instance();
        if (!receiver)
            return;
        QMetaObject::invokeMethod(
            receiver,
            [self, generation, rendered = std::move(rendered)]() mutable {
                if (self)
                    self->accept(generation, std::move(rendered));
            },
            Qt::QueuedConnection);
    });
}

void MetricsPublisher::publishNow(std::shared_ptr<const RegistrySnapshot> snapshot, const RefreshStats &stats)
{
    const quint64 generation = ++m_generation;
    accept(generation, render(m_build, std::move(snapshot), stats));
}

void MetricsPublisher::accept(quint64 generation, Rendered rendered)
{
    if (generation < m_accepted)
        return; // a newer rendering is already served
    m_accepted = generation;
    m_plain = std::move(rendered.plain);
    m_gzip = std::move(rendered.gzip);
    m_lastRenderSeconds = rendered.seconds;
    qCDebug(lcMetrics).noquote() << QStringLiteral("rendered %1 bytes (%2 gzip) in %3 s")
                                        .arg(m_plain.size())
                                        .arg(m_gzip.prefixBytes().size())
                                        .arg(rendered.seconds, 0, 'f', 3);
    emit published();
}

QByteArray MetricsPublisher::bodyTail(bool gzip) const
{
    QByteArray process;
    ExpositionWriter::appendProcessMetrics(process, ProcessMetrics::read());
    return gzip ? m_gzip.tail(process) : process;
}

QByteArray MetricsPublisher::wholeBody() const
{
    return m_plain + bodyTail(false);
}
