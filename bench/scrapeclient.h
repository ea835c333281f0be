#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

class QTcpSocket;

// A minimal HTTP/1.1 client for the benchmark: GETs one path over a persistent connection
// (as Prometheus does) and times each response from writing the request to reading its
// last body byte. The body is counted and thrown away unless the caller asks to keep it,
// so four clients reading a 100 MB exposition cost the benchmark almost no memory.
// Raw sockets rather than QNetworkAccessManager: no decompression, no buffering of the
// whole reply, nothing between the exporter's bytes and the clock.
class ScrapeClient : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        int status = 0;                 // HTTP status, 0 when no response was read
        qint64 bodyBytes = 0;           // as sent (compressed when gzip)
        qint64 nanoseconds = 0;         // request written -> last byte read
        QByteArray contentEncoding;     // "gzip" or empty
        QByteArray body;                // only when get() was asked to keep it
        QString error;                  // empty on success (any status)
        bool ok() const { return error.isEmpty(); }
    };

    ScrapeClient(const QString &host, quint16 port, QObject *parent = nullptr);
    ~ScrapeClient() override;

    // Sends one GET; finished() follows exactly once (possibly with an error). `gzip` adds
    // "Accept-Encoding: gzip". One request at a time: calling it while busy is a bug.
    void get(const QByteArray &path, bool gzip, bool keepBody = false, int timeoutMs = 120000);
    bool isBusy() const { return m_busy; }

signals:
    void finished(const ScrapeClient::Result &result);

private:
    void sendRequest();
    void onReadyRead();
    void onDisconnected();
    bool parseHeaders();
    void complete(const QString &error = QString());

    QTcpSocket *m_socket;
    QString m_host;
    quint16 m_port;
    QTimer m_timeout;
    QElapsedTimer m_clock;

    bool m_busy = false;
    QByteArray m_request;
    bool m_keepBody = false;
    bool m_inBody = false;
    bool m_closeAfter = false;      // the server said "Connection: close"
    QByteArray m_headerBuffer;
    qint64 m_contentLength = -1;
    Result m_result;
    QByteArray m_scratch;
};
