#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>

// A minimal HTTP/1.1 client over a raw QTcpSocket for the end-to-end tests: it sends exactly
// the headers it is given (QNetworkAccessManager would add Accept-Encoding and inflate gzip
// itself) and returns the response as received, body undecoded. One request per connection.
class HttpProbe
{
public:
    struct Response {
        int status = 0;                        // 0: no valid response (see error)
        QMap<QByteArray, QByteArray> headers;  // names lower-cased
        QByteArray body;                       // as sent (gzip stays gzip)
        QString error;
        QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    };

    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // GET http://127.0.0.1:<port><path>. Spins the event loop while waiting (tests only).
    static Response get(quint16 port, const QByteArray &path, const Headers &headers = {}, int timeoutMs = 10000);
};
