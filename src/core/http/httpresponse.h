#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

// A complete HTTP response, decided when the request arrives and written later (possibly
// after earlier responses on the same keep-alive connection). Plain value: the body is an
// implicitly shared QByteArray, so holding it costs a reference, not a copy.
struct HttpResponse
{
    int status = 200;                               // must be a code QHttpServerResponder knows
    QList<QPair<QByteArray, QByteArray>> headers;   // without Content-Length (always added)
    QByteArray body;                                // sent first (large, shared)
    QByteArray tail;                                // sent right after body (small, per request)
    bool headOnly = false;                          // HEAD: headers only, no body bytes
    bool closeAfter = false;                        // client sent "Connection: close"

    // Content-Length: body and tail together, also for HEAD.
    qint64 contentLength() const { return qint64(body.size()) + qint64(tail.size()); }
};
