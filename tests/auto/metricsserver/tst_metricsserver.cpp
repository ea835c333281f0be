// MetricsServer against real clients: a raw QTcpSocket that checks the exact bytes on the
// wire (status line, headers, Content-Length framing, keep-alive, pipelining) and
// QNetworkAccessManager as a typical HTTP client. Expected bodies are generated here and
// compared by SHA-256; gzip reference bodies come from zlib directly.

#include "http/acceptencoding.h"
#include "http/metricsserver.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include <zlib.h>

#include <memory>
#include <optional>

namespace {

using TestSupport::gunzip;

constexpr int kTimeoutMs = 60000;

// Like QTest::qWaitFor, but without its 10 ms sleep between rounds (which would cap a
// same-thread client at a few dozen MB/s): block in the event loop until something happens.
template <typename Predicate>
bool waitUntil(Predicate predicate, int timeoutMs = kTimeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer tick; // guarantees a wake-up so the deadline is checked
    tick.start(50);
    while (!predicate()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    return true;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// Exposition-like text; every line carries its index so lost, doubled or reordered
// slices change the hash.
QByteArray makeBody(qsizetype approxBytes, int variant)
{
    QByteArray out;
    out.reserve(approxBytes + 256);
    out += "# HELP test_metric A test metric\n# TYPE test_metric gauge\n";
    const QByteArray prefix = "test_metric{variant=\"" + QByteArray::number(variant) + "\",index=\"";
    for (qint64 i = 0; out.size() < approxBytes; ++i) {
        out += prefix;
        out += QByteArray::number(i);
        out += "\"} ";
        out += QByteArray::number((i * 7919) % 1000003);
        out += '\n';
    }
    return out;
}

QByteArray gzipOf(const QByteArray &in)
{
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&zs, uLong(in.size()))), Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    zs.avail_in = uInt(in.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(qsizetype(zs.total_out));
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : QByteArray();
}

struct RawResponse
{
    int status = 0;
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

// A minimal HTTP/1.1 client over a raw socket: it sees exactly what the server sends and
// frames responses only by Content-Length, as a strict client must.
class RawClient
{
public:
    explicit RawClient(quint16 port, qint64 readBufferSize = 0)
    {
        socket.setProxy(QNetworkProxy::NoProxy);
        if (readBufferSize > 0)
            socket.setReadBufferSize(readBufferSize);
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool waitConnected()
    {
        return waitUntil([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                               kTimeoutMs);
    }

    void send(const QByteArray &bytes) { socket.write(bytes); }

    void pump() { buffer += socket.readAll(); }

    // Waits for the next complete response. `head`: the response carries no body bytes.
    std::optional<RawResponse> next(bool head = false, int timeoutMs = kTimeoutMs)
    {
        std::optional<RawResponse> result;
        const bool done = waitUntil([&] {
            pump();
            result = tryParse(head);
            return result.has_value() || socket.state() == QAbstractSocket::UnconnectedState;
        }, timeoutMs);
        if (done && !result) { // disconnected: parse what arrived before
            pump();
            result = tryParse(head);
        }
        return result;
    }

    static QByteArray request(const QByteArray &method, const QByteArray &path,
                              const QByteArray &extraHeaders = {})
    {
        QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders;
        if (method == "POST" || method == "PUT")
            r += "Content-Length: 0\r\n";
        return r + "\r\n";
    }

    QTcpSocket socket;
    QByteArray buffer;
    bool missingContentLength = false;

private:
    std::optional<RawResponse> tryParse(bool head)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        RawResponse response;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        response.statusLine = lines.first().trimmed();
        const QList<QByteArray> statusParts = response.statusLine.split(' ');
        response.status = statusParts.size() > 1 ? statusParts.at(1).toInt() : -1;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                response.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        qsizetype length = 0;
        if (!response.hasHeader("Content-Length"))
            missingContentLength = true;
        else if (!head)
            length = response.header("Content-Length").toLongLong();
        const qsizetype total = end + 4 + length;
        if (buffer.size() < total)
            return std::nullopt;
        response.body = buffer.mid(end + 4, length);
        buffer.remove(0, total);
        return response;
    }
};

struct Fetched
{
    int status = 0;
    QByteArray body;
    QNetworkReply *reply = nullptr; // for headers; deleted with the manager
};

} // namespace

class tst_MetricsServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void parseQValue_data();
    void parseQValue();
    void prefersGzip_data();
    void prefersGzip();
    void qualityOf_data();
    void qualityOf();

    void routes_data();
    void routes();
    void readyToggles();
    void metricsBeforeFirstRender();
    void customTelemetryPathAndLandingPage();
    void gzipNegotiation_data();
    void gzipNegotiation();
    void noGzipVariantServesPlain();
    void qnamDecodesGzipTransparently();
    void head_data();
    void head();
    void scrapedSignal();
    void bodyTailCompletesEachScrape();
    void largeBodyWithTail();

    void largeBodyIntactViaQnam();
    void largeBodyThenKeepAliveRequest();
    void pipelinedRequestsAnsweredInOrder();
    void bodySwapDuringInFlightScrape();
    void clientAbortMidBody();
    void pipelineFloodIsCut();
    void connectionCloseIsHonoured();
    void closeStopsListeningButFinishesInFlight();

    void listenOnBusyPortGivesClearError();
    void listenRejectsBadTelemetryPathAndDoubleListen();

private:
    Fetched fetch(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    // Starts a big scrape on a client whose read buffer is tiny, so the server stalls on
    // TCP flow control with most of the body unsent. Returns once the headers arrived.
    std::unique_ptr<RawClient> startStalledScrape();

    QByteArray m_smallPlain;
    QByteArray m_smallGzip;
    QByteArray m_big;       // ~50 MB
    QByteArray m_bigHash;
    QByteArray m_big2;      // ~40 MB, different content and length
    QByteArray m_big2Hash;
    std::unique_ptr<MetricsServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void tst_MetricsServer::initTestCase()
{
    m_smallPlain = makeBody(20000, 0);
    m_smallGzip = gzipOf(m_smallPlain);
    QVERIFY(!m_smallGzip.isEmpty());
    QCOMPARE(gunzip(m_smallGzip), m_smallPlain); // the reference itself is sound
    QVERIFY(m_smallGzip.size() < m_smallPlain.size());
    m_big = makeBody(50 * 1000 * 1000, 1);
    m_bigHash = sha256(m_big);
    m_big2 = makeBody(40 * 1000 * 1000, 2);
    m_big2Hash = sha256(m_big2);
}

void tst_MetricsServer::init()
{
    m_server = std::make_unique<MetricsServer>();
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    QString error;
    QVERIFY2(m_server->listen(options, &error), qPrintable(error));
    QVERIFY(m_server->port() != 0);
    m_server->setMetrics(m_smallPlain, m_smallGzip);
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

void tst_MetricsServer::cleanup()
{
    m_nam.reset();
    m_server.reset();
}

Fetched tst_MetricsServer::fetch(const QString &path,
                                 const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path)));
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = m_nam->get(request);
    Fetched result;
    result.reply = reply;
    if (!waitUntil([reply] { return reply->isFinished(); }, kTimeoutMs))
        return result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    return result;
}

std::unique_ptr<RawClient> tst_MetricsServer::startStalledScrape()
{
    auto client = std::make_unique<RawClient>(m_server->port(), 64 * 1024);
    if (!client->waitConnected())
        return nullptr;
    client->send(RawClient::request("GET", "/metrics"));
    // Do not read: Qt stops reading at 64 KiB, the kernel buffers fill, the server stalls.
    if (!waitUntil([&] { return client->socket.bytesAvailable() > 0; }, kTimeoutMs))
        return nullptr;
    return client;
}

// --- Accept-Encoding parsing (expected values worked out from RFC 9110 §12.4.2, §12.5.3)

void tst_MetricsServer::parseQValue_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("expected");
    QTest::newRow("0") << QByteArray("0") << 0;
    QTest::newRow("1") << QByteArray("1") << 1000;
    QTest::newRow("0.5") << QByteArray("0.5") << 500;
    QTest::newRow("0.123") << QByteArray("0.123") << 123;
    QTest::newRow("0.05") << QByteArray("0.05") << 50;
    QTest::newRow("0.") << QByteArray("0.") << 0;
    QTest::newRow("1.") << QByteArray("1.") << 1000;
    QTest::newRow("1.000") << QByteArray("1.000") << 1000;
    QTest::newRow("0.000") << QByteArray("0.000") << 0;
    QTest::newRow("1.001 invalid") << QByteArray("1.001") << -1;
    QTest::newRow("four decimals invalid") << QByteArray("0.1234") << -1;
    QTest::newRow("2 invalid") << QByteArray("2") << -1;
    QTest::newRow(".5 invalid") << QByteArray(".5") << -1;
    QTest::newRow("empty invalid") << QByteArray("") << -1;
    QTest::newRow("letters invalid") << QByteArray("abc") << -1;
    QTest::newRow("negative invalid") << QByteArray("-0.5") << -1;
}

void tst_MetricsServer::parseQValue()
{
    QFETCH(QByteArray, text);
    QFETCH(int, expected);
    QCOMPARE(AcceptEncoding::parseQValue(text), expected);
}

void tst_MetricsServer::prefersGzip_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("gzip");
    QTest::newRow("absent/empty") << QByteArray() << false;
    QTest::newRow("gzip") << QByteArray("gzip") << true;
    QTest::newRow("prometheus") << QByteArray("gzip") << true;
    QTest::newRow("qnam default") << QByteArray("zstd, br, gzip, deflate") << true;
    QTest::newRow("upper case") << QByteArray("GZIP") << true;
    QTest::newRow("spaces") << QByteArray("  gzip  ") << true;
    QTest::newRow("x-gzip") << QByteArray("x-gzip") << true;
    QTest::newRow("q=0") << QByteArray("gzip;q=0") << false;
    QTest::newRow("Q=0 spaced") << QByteArray("gzip ; Q=0 ") << false;
    QTest::newRow("q=0.000") << QByteArray("gzip;q=0.000") << false;
    QTest::newRow("q=0.001") << QByteArray("gzip;q=0.001") << true;
    QTest::newRow("lower q than another coding") << QByteArray("deflate, gzip;q=0.5") << true;
    QTest::newRow("identity listed higher") << QByteArray("gzip;q=0.5, identity") << false;
    QTest::newRow("tie with identity") << QByteArray("identity;q=0.5, gzip;q=0.5") << true;
    QTest::newRow("other codings only") << QByteArray("deflate, br") << false;
    QTest::newRow("identity only") << QByteArray("identity") << false;
    QTest::newRow("star") << QByteArray("*") << true;
    QTest::newRow("star q=0") << QByteArray("*;q=0") << false;
    QTest::newRow("gzip excluded, star allowed") << QByteArray("gzip;q=0, *") << false;
    QTest::newRow("star then gzip excluded") << QByteArray("*, gzip;q=0") << false;
    QTest::newRow("identity preferred") << QByteArray("identity;q=1, gzip;q=0.5") << false;
    QTest::newRow("gzip preferred over identity") << QByteArray("gzip;q=0.5, identity;q=0.4") << true;
    QTest::newRow("identity excluded") << QByteArray("identity;q=0, gzip;q=0.1") << true;
    QTest::newRow("star gives identity low q") << QByteArray("br;q=1.0, gzip;q=0.8, *;q=0.1") << true;
    QTest::newRow("invalid q counts as 0") << QByteArray("gzip;q=1.5") << false;
    QTest::newRow("garbage q counts as 0") << QByteArray("gzip;q=abc") << false;
    QTest::newRow("other parameter ignored") << QByteArray("gzip;level=1") << true;
    QTest::newRow("empty elements") << QByteArray("gzip,, ,") << true;
    QTest::newRow("gzip in a longer name is not gzip") << QByteArray("gzipx, xgzip") << false;
}

void tst_MetricsServer::prefersGzip()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, gzip);
    QCOMPARE(AcceptEncoding::prefersGzip(header), gzip);
}

void tst_MetricsServer::qualityOf_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("coding");
    QTest::addColumn<int>("quality");
    QTest::newRow("unmentioned") << QByteArray("br") << QByteArray("gzip") << -1;
    QTest::newRow("explicit default 1") << QByteArray("gzip") << QByteArray("gzip") << 1000;
    QTest::newRow("explicit q") << QByteArray("gzip;q=0.3") << QByteArray("gzip") << 300;
    QTest::newRow("through star") << QByteArray("br, *;q=0.2") << QByteArray("identity") << 200;
    QTest::newRow("explicit beats star") << QByteArray("*;q=0.2, identity;q=0.9") << QByteArray("identity") << 900;
    QTest::newRow("x-gzip alias") << QByteArray("x-gzip;q=0.7") << QByteArray("gzip") << 700;
    QTest::newRow("malformed q is 0") << QByteArray("gzip;q=high") << QByteArray("gzip") << 0;
}

void tst_MetricsServer::qualityOf()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, coding);
    QFETCH(int, quality);
    QCOMPARE(AcceptEncoding::qualityOf(header, coding), quality);
}

// --- routes and statuses

void tst_MetricsServer::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body"); // empty: not compared exactly

    const QByteArray exposition = "text/plain; version=0.0.4; charset=utf-8";
    const QByteArray text = "text/plain; charset=utf-8";
    QTest::newRow("GET metrics") << QByteArray("GET") << QByteArray("/metrics") << 200 << exposition << m_smallPlain;
    QTest::newRow("GET metrics with query") << QByteArray("GET") << QByteArray("/metrics?x=1") << 200 << exposition << m_smallPlain;
    QTest::newRow("GET landing") << QByteArray("GET") << QByteArray("/") << 200 << QByteArray("text/html; charset=utf-8") << QByteArray();
    QTest::newRow("GET healthy") << QByteArray("GET") << QByteArray("/-/healthy") << 200 << text << QByteArray("OK");
    QTest::newRow("GET ready before ready") << QByteArray("GET") << QByteArray("/-/ready") << 503 << text << QByteArray();
    QTest::newRow("GET unknown") << QByteArray("GET") << QByteArray("/nope") << 404 << text << QByteArray();
    QTest::newRow("GET metrics/ is not metrics") << QByteArray("GET") << QByteArray("/metrics/") << 404 << text << QByteArray();
    QTest::newRow("GET /-/") << QByteArray("GET") << QByteArray("/-/") << 404 << text << QByteArray();
    QTest::newRow("POST metrics") << QByteArray("POST") << QByteArray("/metrics") << 405 << text << QByteArray();
    QTest::newRow("PUT landing") << QByteArray("PUT") << QByteArray("/") << 405 << text << QByteArray();
    QTest::newRow("DELETE healthy") << QByteArray("DELETE") << QByteArray("/-/healthy") << 405 << text << QByteArray();
    QTest::newRow("OPTIONS unknown") << QByteArray("OPTIONS") << QByteArray("/nope") << 405 << text << QByteArray();
}

void tst_MetricsServer::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);

    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request(method, path));
    const auto response = client.next();
    QVERIFY(response);
    QVERIFY2(!client.missingContentLength, "every response must carry Content-Length");
    QCOMPARE(response->status, status);
    QVERIFY(response->statusLine.startsWith("HTTP/1.1 " + QByteArray::number(status) + ' '));
    QCOMPARE(response->header("Content-Type"), contentType);
    QCOMPARE(response->header("Content-Length").toLongLong(), response->body.size());
    if (!body.isEmpty())
        QCOMPARE(response->body, body);
    if (status == 405)
        QCOMPARE(response->header("Allow"), QByteArray("GET, HEAD"));
    if (path == "/" && status == 200) {
        QVERIFY(response->body.startsWith("<!DOCTYPE html>"));
        QVERIFY(response->body.contains("<a href=\"/metrics\">"));
    }
    if (status != 200)
        QVERIFY(!response->body.isEmpty()); // errors explain themselves
    QVERIFY(client.buffer.isEmpty()); // nothing after the announced length
}

void tst_MetricsServer::readyToggles()
{
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/-/ready"));
    auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 503);

    m_server->setReady(true);
    QVERIFY(m_server->isReady());
    client.send(RawClient::request("GET", "/-/ready"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("OK"));

    m_server->setReady(false);
    client.send(RawClient::request("GET", "/-/ready"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 503);
}

void tst_MetricsServer::metricsBeforeFirstRender()
{
    MetricsServer fresh;
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    QVERIFY(fresh.listen(options));
    QVERIFY(!fresh.hasMetrics());

    RawClient client(fresh.port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics"));
    auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 503);
    QVERIFY(!client.missingContentLength);

    fresh.setMetrics(QByteArray("up 1\n"));
    client.send(RawClient::request("GET", "/metrics"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("up 1\n"));
}

void tst_MetricsServer::customTelemetryPathAndLandingPage()
{
    MetricsServer custom;
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.telemetryPath = QStringLiteral("/custom/path");
    QVERIFY(custom.listen(options));
    QCOMPARE(custom.telemetryPath(), QStringLiteral("/custom/path"));
    custom.setMetrics(m_smallPlain, m_smallGzip);

    RawClient client(custom.port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/custom/path"));
    auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, m_smallPlain);

    client.send(RawClient::request("GET", "/metrics"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 404);

    client.send(RawClient::request("GET", "/"));
    response = client.next();
    QVERIFY(response);
    QVERIFY(response->body.contains("<a href=\"/custom/path\">"));

    custom.setLandingPage("<html>mine</html>");
    client.send(RawClient::request("GET", "/"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->body, QByteArray("<html>mine</html>"));
}

void tst_MetricsServer::gzipNegotiation_data()
{
    QTest::addColumn<QByteArray>("requestHeaders");
    QTest::addColumn<bool>("gzip");
    QTest::newRow("no Accept-Encoding") << QByteArray() << false;
    QTest::newRow("gzip (Prometheus)") << QByteArray("Accept-Encoding: gzip\r\n") << true;
    QTest::newRow("gzip;q=0") << QByteArray("Accept-Encoding: gzip;q=0\r\n") << false;
    QTest::newRow("identity") << QByteArray("Accept-Encoding: identity\r\n") << false;
    QTest::newRow("deflate, gzip;q=0.5") << QByteArray("Accept-Encoding: deflate, gzip;q=0.5\r\n") << true;
    QTest::newRow("*") << QByteArray("Accept-Encoding: *\r\n") << true;
    QTest::newRow("gzip;q=0, *") << QByteArray("Accept-Encoding: gzip;q=0, *\r\n") << false;
    QTest::newRow("br only") << QByteArray("Accept-Encoding: br\r\n") << false;
    QTest::newRow("lower-case header name") << QByteArray("accept-encoding: GZip\r\n") << true;
    QTest::newRow("split over two lines")
            << QByteArray("Accept-Encoding: identity;q=0.5\r\nAccept-Encoding: gzip\r\n") << true;
}

void tst_MetricsServer::gzipNegotiation()
{
    QFETCH(QByteArray, requestHeaders);
    QFETCH(bool, gzip);

    QSignalSpy scraped(m_server.get(), &MetricsServer::scraped);
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics", requestHeaders));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(!client.missingContentLength);
    QCOMPARE(response->header("Content-Length").toLongLong(), response->body.size());
    QCOMPARE(response->header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QCOMPARE(response->header("Vary"), QByteArray("Accept-Encoding"));
    if (gzip) {
        QCOMPARE(response->header("Content-Encoding"), QByteArray("gzip"));
        QCOMPARE(response->body, m_smallGzip);
    } else {
        QVERIFY(!response->hasHeader("Content-Encoding"));
        QCOMPARE(response->body, m_smallPlain);
    }
    QCOMPARE(scraped.count(), 1);
    QCOMPARE(scraped.at(0).at(0).toBool(), gzip);
}

void tst_MetricsServer::noGzipVariantServesPlain()
{
    m_server->setMetrics(m_smallPlain); // no compressed variant
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics", "Accept-Encoding: gzip\r\n"));
    const auto response = client.next();
    QVERIFY(response);
    QVERIFY(!response->hasHeader("Content-Encoding"));
    QCOMPARE(response->body, m_smallPlain);
}

void tst_MetricsServer::qnamDecodesGzipTransparently()
{
    // QNAM asks for gzip itself and decodes it only if Content-Encoding says so.
    const Fetched fetched = fetch(QStringLiteral("/metrics"));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.reply->rawHeader("Content-Encoding"), QByteArray("gzip"));
    QCOMPARE(fetched.body, m_smallPlain);

    const Fetched routes[] = {fetch(QStringLiteral("/-/healthy")), fetch(QStringLiteral("/nope")),
                              fetch(QStringLiteral("/-/ready"))};
    QCOMPARE(routes[0].status, 200);
    QCOMPARE(routes[0].body, QByteArray("OK"));
    QCOMPARE(routes[1].status, 404);
    QCOMPARE(routes[1].reply->error(), QNetworkReply::ContentNotFoundError);
    QCOMPARE(routes[2].status, 503);
}

void tst_MetricsServer::head_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("extraHeaders");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("contentLength");
    QTest::newRow("metrics plain") << QByteArray("/metrics") << QByteArray() << 200 << qint64(m_smallPlain.size());
    QTest::newRow("metrics gzip") << QByteArray("/metrics") << QByteArray("Accept-Encoding: gzip\r\n") << 200
                                  << qint64(m_smallGzip.size());
    QTest::newRow("healthy") << QByteArray("/-/healthy") << QByteArray() << 200 << qint64(2);
    QTest::newRow("not found") << QByteArray("/nope") << QByteArray() << 404 << qint64(-1);
}

void tst_MetricsServer::head()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, extraHeaders);
    QFETCH(int, status);
    QFETCH(qint64, contentLength);

    // Pipelined with a GET: any stray body bytes after the HEAD would corrupt the second
    // response's framing.
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("HEAD", path, extraHeaders)
                + RawClient::request("GET", path, extraHeaders));
    const auto headResponse = client.next(/*head=*/true);
    QVERIFY(headResponse);
    QVERIFY(!client.missingContentLength);
    QCOMPARE(headResponse->status, status);
    const auto getResponse = client.next();
    QVERIFY(getResponse);
    QCOMPARE(getResponse->status, status);
    // HEAD announces exactly what GET sends.
    QCOMPARE(headResponse->header("Content-Length"), getResponse->header("Content-Length"));
    QCOMPARE(headResponse->header("Content-Type"), getResponse->header("Content-Type"));
    QCOMPARE(headResponse->header("Content-Encoding"), getResponse->header("Content-Encoding"));
    if (contentLength >= 0)
        QCOMPARE(headResponse->header("Content-Length").toLongLong(), contentLength);
    QCOMPARE(getResponse->header("Content-Length").toLongLong(), getResponse->body.size());
    QVERIFY(client.buffer.isEmpty());
}

void tst_MetricsServer::scrapedSignal()
{
    QSignalSpy scraped(m_server.get(), &MetricsServer::scraped);
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics"));
    QVERIFY(client.next());
    client.send(RawClient::request("GET", "/metrics", "Accept-Encoding: gzip\r\n"));
    QVERIFY(client.next());
    client.send(RawClient::request("HEAD", "/metrics"));
    QVERIFY(client.next(true));
    client.send(RawClient::request("GET", "/-/healthy"));
    QVERIFY(client.next());
    QCOMPARE(scraped.count(), 2);
    QCOMPARE(scraped.at(0).at(0).toBool(), false);
    QCOMPARE(scraped.at(1).at(0).toBool(), true);
}

void tst_MetricsServer::bodyTailCompletesEachScrape()
{
    QList<bool> calls;
    m_server->setBodyTail([&calls](bool gzip) {
        calls.append(gzip);
        return gzip ? QByteArray("<gzip tail>") : QByteArray("process_up 1\n");
    });
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics"));
    auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->body, m_smallPlain + "process_up 1\n");
    QCOMPARE(response->header("Content-Length").toLongLong(), m_smallPlain.size() + 13);

    client.send(RawClient::request("GET", "/metrics", "Accept-Encoding: gzip\r\n"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->header("Content-Encoding"), QByteArray("gzip"));
    QCOMPARE(response->body, m_smallGzip + "<gzip tail>");

    client.send(RawClient::request("HEAD", "/metrics"));
    response = client.next(true);
    QVERIFY(response);
    QCOMPARE(response->header("Content-Length").toLongLong(), m_smallPlain.size() + 13);

    client.send(RawClient::request("GET", "/-/healthy")); // other routes do not call it
    QVERIFY(client.next());
    QCOMPARE(calls, (QList<bool>{false, true, false}));
}

void tst_MetricsServer::largeBodyWithTail()
{
    // The tail follows a body that spans many slices, on the exact byte boundary.
    m_server->setMetrics(m_big);
    m_server->setBodyTail([](bool) { return QByteArray("tail_metric 42\n"); });
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->body.size(), m_big.size() + 15);
    QCOMPARE(sha256(response->body), sha256(m_big + "tail_metric 42\n"));
}

// --- large bodies, keep-alive, pipelining, swaps, aborts

void tst_MetricsServer::largeBodyIntactViaQnam()
{
    m_server->setMetrics(m_big);
    const Fetched fetched = fetch(QStringLiteral("/metrics"));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.reply->rawHeader("Content-Length").toLongLong(), m_big.size());
    QCOMPARE(fetched.body.size(), m_big.size());
    QCOMPARE(sha256(fetched.body), m_bigHash);
    QTRY_COMPARE(m_server->activeResponses(), 0);
}

void tst_MetricsServer::largeBodyThenKeepAliveRequest()
{
    m_server->setMetrics(m_big);
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics"));
    auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body.size(), m_big.size());
    QCOMPARE(sha256(response->body), m_bigHash);

    // The same connection still serves requests after a streamed body.
    client.send(RawClient::request("GET", "/-/healthy"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("OK"));
    client.send(RawClient::request("GET", "/metrics"));
    response = client.next();
    QVERIFY(response);
    QCOMPARE(sha256(response->body), m_bigHash);
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->openConnections(), 1);
}

void tst_MetricsServer::pipelinedRequestsAnsweredInOrder()
{
    m_server->setMetrics(m_big);
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    // One write: the later requests arrive while the 50 MB body is still streaming.
    client.send(RawClient::request("GET", "/metrics") + RawClient::request("GET", "/-/healthy")
                + RawClient::request("HEAD", "/metrics") + RawClient::request("GET", "/nope"));
    const auto first = client.next();
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    QCOMPARE(sha256(first->body), m_bigHash);
    const auto second = client.next();
    QVERIFY(second);
    QCOMPARE(second->status, 200);
    QCOMPARE(second->body, QByteArray("OK"));
    const auto third = client.next(true);
    QVERIFY(third);
    QCOMPARE(third->status, 200);
    QCOMPARE(third->header("Content-Length").toLongLong(), m_big.size());
    const auto fourth = client.next();
    QVERIFY(fourth);
    QCOMPARE(fourth->status, 404);
    QVERIFY(client.buffer.isEmpty());
    QTRY_COMPARE(m_server->activeResponses(), 0);
}

void tst_MetricsServer::bodySwapDuringInFlightScrape()
{
    m_server->setMetrics(m_big);
    std::unique_ptr<RawClient> slow = startStalledScrape();
    QVERIFY(slow);
    QCOMPARE(m_server->activeResponses(), 1); // still streaming: most of the body unsent

    m_server->setMetrics(m_big2); // a refresh finishes mid-scrape

    RawClient fast(m_server->port());
    QVERIFY(fast.waitConnected());
    fast.send(RawClient::request("GET", "/metrics"));
    const auto fresh = fast.next();
    QVERIFY(fresh);
    QCOMPARE(fresh->body.size(), m_big2.size());
    QCOMPARE(sha256(fresh->body), m_big2Hash);
    QCOMPARE(m_server->activeResponses(), 1); // the slow one is still waiting

    slow->socket.setReadBufferSize(0); // now read at full speed
    const auto old = slow->next();
    QVERIFY(old);
    QCOMPARE(old->header("Content-Length").toLongLong(), m_big.size());
    QCOMPARE(old->body.size(), m_big.size());
    QCOMPARE(sha256(old->body), m_bigHash);
    QTRY_COMPARE(m_server->activeResponses(), 0);
}

void tst_MetricsServer::clientAbortMidBody()
{
    m_server->setMetrics(m_big);
    std::unique_ptr<RawClient> client = startStalledScrape();
    QVERIFY(client);
    // Read a few MB, then vanish.
    QVERIFY(waitUntil([&] {
        client->pump();
        return client->buffer.size() > 4 * 1024 * 1024;
    }, kTimeoutMs));
    QVERIFY(client->buffer.size() < m_big.size());
    QCOMPARE(m_server->openConnections(), 1);
    client->socket.abort();
    client.reset();

    // The server notices, frees the connection (and its writer), and keeps serving.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->openConnections(), 0, kTimeoutMs);
    QCOMPARE(m_server->activeResponses(), 0);
    const Fetched fetched = fetch(QStringLiteral("/metrics"));
    QCOMPARE(fetched.status, 200);
    QCOMPARE(sha256(fetched.body), m_bigHash);
}

void tst_MetricsServer::pipelineFloodIsCut()
{
    // A client that pipelines without reading cannot make the server queue without bound.
    m_server->setMetrics(m_big);
    RawClient client(m_server->port(), 64 * 1024);
    QVERIFY(client.waitConnected());
    QByteArray flood = RawClient::request("GET", "/metrics");
    for (int i = 0; i < 100; ++i)
        flood += RawClient::request("GET", "/-/healthy");
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("more than 64 pipelined requests")));
    client.send(flood);
    QVERIFY(waitUntil([&] { return m_server->openConnections() == 0; }));
    QCOMPARE(m_server->activeResponses(), 0);
    // The client (which stopped reading at 64 KiB) sees the connection reset once it reads.
    client.socket.setReadBufferSize(0);
    QVERIFY(waitUntil([&] {
        client.pump();
        return client.socket.state() == QAbstractSocket::UnconnectedState;
    }));
    QVERIFY(client.buffer.size() < m_big.size());

    // A well-behaved pipeline of a few requests is fine (see pipelinedRequestsAnsweredInOrder).
    const Fetched fetched = fetch(QStringLiteral("/-/healthy"));
    QCOMPARE(fetched.status, 200);
}

void tst_MetricsServer::connectionCloseIsHonoured()
{
    RawClient client(m_server->port());
    QVERIFY(client.waitConnected());
    client.send(RawClient::request("GET", "/metrics", "Connection: close\r\n"));
    const auto response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("Connection"), QByteArray("close"));
    QCOMPARE(response->body, m_smallPlain);
    QVERIFY(waitUntil([&] { return client.socket.state() == QAbstractSocket::UnconnectedState; },
                            kTimeoutMs));
    QTRY_COMPARE(m_server->openConnections(), 0);
}

void tst_MetricsServer::closeStopsListeningButFinishesInFlight()
{
    m_server->setMetrics(m_big);
    const quint16 port = m_server->port();
    std::unique_ptr<RawClient> slow = startStalledScrape();
    QVERIFY(slow);

    m_server->close();
    QVERIFY(!m_server->isListening());
    QCOMPARE(m_server->port(), quint16(0));

    RawClient refused(port);
    QVERIFY(waitUntil([&] { return refused.socket.state() == QAbstractSocket::UnconnectedState; },
                            kTimeoutMs));
    QCOMPARE(refused.socket.error(), QAbstractSocket::ConnectionRefusedError);

    slow->socket.setReadBufferSize(0); // now read at full speed
    const auto response = slow->next();
    QVERIFY(response);
    QCOMPARE(sha256(response->body), m_bigHash);

    // It can listen again afterwards.
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    QString error;
    QVERIFY2(m_server->listen(options, &error), qPrintable(error));
    RawClient again(m_server->port());
    QVERIFY(again.waitConnected());
    again.send(RawClient::request("GET", "/-/healthy"));
    const auto healthy = again.next();
    QVERIFY(healthy);
    QCOMPARE(healthy->status, 200);
}

// --- listen errors

void tst_MetricsServer::listenOnBusyPortGivesClearError()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    MetricsServer second;
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = blocker.serverPort();
    QString error;
    QVERIFY(!second.listen(options, &error));
    QCOMPARE(error, QStringLiteral("cannot listen on 127.0.0.1:%1: address already in use")
                            .arg(blocker.serverPort()));
    QVERIFY(!second.isListening());
    QCOMPARE(second.port(), quint16(0));
}

void tst_MetricsServer::listenRejectsBadTelemetryPathAndDoubleListen()
{
    MetricsServer server;
    MetricsServer::Options options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.telemetryPath = QStringLiteral("metrics");
    QString error;
    QVERIFY(!server.listen(options, &error));
    QCOMPARE(error, QStringLiteral("invalid telemetry path \"metrics\": it must start with '/'"));

    options.telemetryPath = QStringLiteral("/metrics");
    QVERIFY(server.listen(options, &error));
    QVERIFY(!server.listen(options, &error));
    QVERIFY2(error.contains(QStringLiteral("already listening on 127.0.0.1:%1").arg(server.port())),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_MetricsServer)
#include "tst_metricsserver.moc"
