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
    QByteArray body;                                // Content-Length is body.size(), also for HEAD
    bool headOnly = false;                          // HEAD: headers only, no body bytes
    bool closeAfter = false;                        // client sent "Connection: close"
};
