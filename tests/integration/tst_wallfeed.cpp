// The WebSocket wall feed over real sockets on loopback: a serving console, remote displays, and
// peers that misbehave.
#include "network/wallfeedclient.h"
#include "network/wallfeedserver.h"
#include "wall/displaytokens.h"
#include "wall/wallprotocol.h"
#include "wall/wallstate.h"

#include <QNetworkRequest>
#include <QProcess>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>

namespace {

constexpr int Patience = 15'000; // generous: a loaded CI machine is slow, never wrong
const QString Token = QStringLiteral("s3cret-wall-token");

Alert sampleAlert(int n)
{
    Alert alert;
    alert.alertId = "crit-" + std::to_string(n);
    alert.severity = AlertSeverity::CriticalHigh;
    alert.patientId = "patient-" + std::to_string(n);
    alert.encounterId = "enc-" + std::to_string(n);
    alert.location = "4 West";
    alert.observationId = "obs-" + std::to_string(n);
    alert.loinc = "2823-3";
    alert.display = "Potassium [Moles/volume] in Serum or Plasma";
    alert.value = 6.8;
    alert.unit = "mmol/L";
    alert.limit = 6.0;
    alert.thresholdSetName = "adult-critical-values";
    alert.thresholdSetVersion = 3;
    alert.effective = "2026-11-27T10:00:00.000Z";
    alert.issued = "2026-11-27T10:05:00.000Z";
    alert.evaluatedAtMs = 1'795'000'000'000 + n;
    alert.source = {"healthcare.labs.results", n % 8, 1000 + n};
    return alert;
}

CensusEntry sampleEntry(int n)
{
    return CensusEntry{"patient-" + std::to_string(n), "enc-" + std::to_string(n), "J.S.", "MRN00" + std::to_string(n),
                       "4 West", "41" + std::to_string(n), "A", 1'795'000'000'000 + n};
}

FeedHealth upHealth()
{
    return FeedHealth{true, 1'795'000'000'000, std::nullopt, {}};
}

FeedHealth downHealth()
{
    return FeedHealth{false, 1'795'000'000'000, 1'795'000'030'000, "no data for 30 s"};
}

QUrl withToken(QUrl url, const QString &token, const QString &unit = {})
{
    url.setQuery(QStringLiteral("token=") + token + (unit.isEmpty() ? QString() : QStringLiteral("&unit=") + unit));
    return url;
}

// The unit of the sample alerts and census entries. A display names it to receive them.
const QString Unit = QStringLiteral("4 West");

// Records as they are: the tests of the transport compare what arrives with what was published.
// What masking sends is tested below (and in tst_wallfeedview).
WallFeedServerOptions fullRecords()
{
    WallFeedServerOptions options;
    options.fullIdentifiers = true;
    return options;
}

// A display that completes the handshake and then never reads: its receive buffer is made tiny and
// it sits outside Qt's event loop, so nothing drains it and the server's send queue has to grow.
class StalledPeer {
public:
    StalledPeer() = default;
    StalledPeer(const StalledPeer &) = delete;
    StalledPeer &operator=(const StalledPeer &) = delete;
    ~StalledPeer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool connectTo(quint16 port, const QString &token)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return false;
        const int small = 4096;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
            return false;
        const QByteArray handshake = "GET /wall?token=" + token.toUtf8() + "&unit=4%20West HTTP/1.1\r\n"
                                     "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n"
                                     "Upgrade: websocket\r\n"
                                     "Connection: Upgrade\r\n"
                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                     "Sec-WebSocket-Version: 13\r\n\r\n";
        return ::send(m_fd, handshake.constData(), size_t(handshake.size()), 0) == handshake.size();
    }

private:
    int m_fd = -1;
};

// A console's board of two units; the identifiers are what no display may receive in full.
struct Hospital {
    std::vector<CensusEntry> census{
        {"pat-icu-000101", "enc-icu-000101", "A.B.", "MRN77410101", "ICU", "1", "A", 1'795'000'000'000},
        {"pat-icu-000102", "enc-icu-000102", "C.D.", "MRN77410102", "ICU", "2", "A", 1'795'000'000'000},
        {"pat-west-000201", "enc-west-000201", "E.F.", "MRN55320201", "4 West", "7", "B", 1'795'000'000'000}};
    std::vector<Alert> alerts{alertOf("crit-icu", "pat-icu-000101"), alertOf("crit-west", "pat-west-000201")};

    static Alert alertOf(const std::string &id, const std::string &patient)
    {
        Alert alert = sampleAlert(1);
        alert.alertId = id;
        alert.patientId = patient;
        alert.encounterId = "enc" + patient.substr(3);
        alert.location.clear(); // as the evaluator writes them: the census places them
        alert.observationId = "obs-" + patient;
        return alert;
    }
    WallSnapshot snapshot() const { return WallSnapshot{alerts, census, upHealth()}; }
    // Texts of the other unit, and every full identifier, that an ICU display must never receive.
    std::vector<std::string> secretsForIcu() const
    {
        std::vector<std::string> secrets{"pat-west-000201", "crit-west", "4 West", "obs-"};
        for (const CensusEntry &entry : census) {
            secrets.push_back(entry.mrn);
            secrets.push_back(entry.patientId);
            secrets.push_back(entry.encounterId);
        }
        return secrets;
    }
};

// A remote display's state, fed by its client as `vigil --wall --feed` feeds it (walldisplay.cpp).
void feed(WallFeedClient &client, WallState &state)
{
    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    QObject::connect(&client, &WallFeedClient::snapshotReceived, &state, [&state, now](const WallSnapshot &snapshot) {
        state.applySnapshot(snapshot.alerts, snapshot.census, now());
        state.upstreamHealth(snapshot.health, now());
    });
    QObject::connect(&client, &WallFeedClient::alertsReceived, &state,
                     [&state, now](const std::vector<Alert> &alerts) { state.applyAlerts(alerts, now()); });
    QObject::connect(&client, &WallFeedClient::censusReceived, &state,
                     [&state, now](const std::vector<CensusEntry> &census) { state.replaceCensus(census, now()); });
}

std::optional<BoardRow> rowOf(const std::vector<BoardRow> &rows, const std::string &alertId)
{
    for (const BoardRow &row : rows) {
        if (row.alert.alertId == alertId)
            return row;
    }
    return std::nullopt;
}

std::atomic<int> feedLogLines{0};
QtMessageHandler previousHandler = nullptr;

void countFeedLines(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && std::strcmp(context.category, "vigil.wallfeed") == 0)
        ++feedLogLines;
    if (previousHandler)
        previousHandler(type, context, message);
}

// The next text frame a raw socket receives, decoded as the server's message.
WallServerMessage nextMessage(QSignalSpy &frames, int &taken)
{
    if (frames.size() <= taken && !frames.wait(Patience))
        return WallErrorMessage{"no frame arrived"};
    return WallProtocol::decodeServerMessage(frames.at(taken++).at(0).toString().toStdString());
}

} // namespace

class TestWallFeed final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void protocolRoundTrips();
    void protocolRejectsMalformedFrames_data();
    void protocolRejectsMalformedFrames();
    void tokensAreRequiredAndCompared();

    void snapshotArrivesOnConnect();
    void publishedAlertsAndCensusArrive();
    void heartbeatsCarryTheHealth();
    void feedDownIsPushedAtOnce();
    void actionRoundTrip();
    void answerForAGoneDisplayIsDropped();
    void sendActionNeedsAConnection();
    void badTokenIsRefused_data();
    void badTokenIsRefused();
    void tokenInHeaderOrQueryIsAccepted();
    void malformedFramesGetAnErrorAndTheConnectionStays();
    void clientReconnectsToANewServer();
    void slowDisplayIsDroppedWhileOthersKeepReceiving();

    void aUnitDisplayReceivesItsUnitOnlyMasked();
    void theRemoteBoardIsRightWithMaskedData();
    void aTransferBringsTheAlertToTheNewUnit();
    void aDisplayWithoutAUnitGetsTheOverviewOnly();
    void fullIdentifiersAreSentWhenTheConsoleSaysSo();
    void aTooLongUnitIsRefused();
    void actionsAreRateLimitedPerDisplay();
    void aGarbageFloodWritesABoundedLog();

    void wssIsServedAndItsCertificateVerified();
    void displaysHaveTokensOfTheirOwnAndARevokedOneIsDroppedAtOnce();
};

namespace {

// A hospital CA and the feed's certificate for 127.0.0.1 signed by it, made for this run with the
// openssl command (the same kind of files --wall-cert, --wall-key and --wall-ca take).
struct FeedCertificates {
    QTemporaryDir dir;
    QString ca() const { return dir.filePath("ca.pem"); }
    QString certificate() const { return dir.filePath("feed.pem"); }
    QString key() const { return dir.filePath("feed.key"); }

    QString make()
    {
        QFile ext(dir.filePath("ext.cnf"));
        if (!ext.open(QIODevice::WriteOnly) || ext.write("subjectAltName=IP:127.0.0.1\n") < 0)
            return "cannot write ext.cnf";
        ext.close();
        const QList<QStringList> steps = {
            {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test Hospital CA", "-keyout",
             dir.filePath("ca.key"), "-out", ca()},
            {"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key(), "-out", dir.filePath("feed.csr")},
            {"x509", "-req", "-in", dir.filePath("feed.csr"), "-CA", ca(), "-CAkey", dir.filePath("ca.key"), "-CAcreateserial",
             "-days", "2", "-extfile", ext.fileName(), "-out", certificate()},
        };
        for (const QStringList &step : steps) {
            QProcess openssl;
            openssl.start("openssl", step);
            if (!openssl.waitForFinished(60'000) || openssl.exitCode() != 0)
                return "openssl " + step.first() + ": " + QString::fromUtf8(openssl.readAllStandardError());
        }
        return {};
    }
};

} // namespace

// wss://: a display that trusts the hospital CA gets its snapshot; one that does not is told the
// certificate is not trusted and does not retry.
void TestWallFeed::wssIsServedAndItsCertificateVerified()
{
    FeedCertificates files;
    const QString made = files.make();
    QVERIFY2(made.isEmpty(), qPrintable(made));
    QString error;
    WallFeedServerOptions options;
    options.tls = WallFeedServer::tlsFrom(files.certificate(), files.key(), &error);
    QVERIFY2(options.tls, qPrintable(error));
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QCOMPARE(server.url().scheme(), "wss");

    WallFeedClient trusting(server.url(), Token, Unit);
    const auto tls = WallFeedClient::trusting(files.ca(), &error);
    QVERIFY2(tls, qPrintable(error));
    trusting.setTlsConfiguration(*tls);
    QSignalSpy snapshots(&trusting, &WallFeedClient::snapshotReceived);
    trusting.start();
    QVERIFY(snapshots.wait(Patience));
    QVERIFY(trusting.isConnected());

    WallFeedClient stranger(server.url(), Token, Unit); // the system's CAs only
    QSignalSpy refused(&stranger, &WallFeedClient::refused);
    QSignalSpy strangerSnapshots(&stranger, &WallFeedClient::snapshotReceived);
    stranger.start();
    QVERIFY(refused.wait(Patience));
    QVERIFY2(refused.at(0).at(0).toString().startsWith("certificate not trusted: "), qPrintable(refused.at(0).at(0).toString()));
    QVERIFY2(stranger.errorString().contains("--wall-ca") && stranger.errorString().contains("not retrying"),
             qPrintable(stranger.errorString()));
    QVERIFY(strangerSnapshots.isEmpty());

    QVERIFY(!WallFeedClient::trusting(files.key(), &error)); // a key is not a CA certificate
    QVERIFY(!WallFeedServer::tlsFrom(files.certificate(), files.ca(), &error));
    QVERIFY2(error.contains("private key"), qPrintable(error));
}

// Each display its own named token: a revoked one is dropped at once, told why, and cannot come
// back; the others stay; the shared token still works beside them; only hashes are in the file.
void TestWallFeed::displaysHaveTokensOfTheirOwnAndARevokedOneIsDroppedAtOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("wall-displays.json");
    auto displays = std::make_shared<DisplayTokens>(path);
    const QString icu = displays->add("ICU station 1", 1'795'000'000'000);
    const QString ward = displays->add("4 West desk", 1'795'000'000'000);
    QVERIFY_THROWS_EXCEPTION(DisplayTokenError, displays->add("icu STATION 1", 0)); // names are unique
    QVERIFY(icu != ward && icu.size() >= 40);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(!stored.contains(icu.toUtf8()) && !stored.contains(ward.toUtf8()));
    QCOMPARE(DisplayTokens(path).displayFor(icu), "ICU station 1"); // read back from the file

    WallFeedServerOptions options;
    options.displays = displays;
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    WallFeedClient first(server.url(), icu, Unit);
    WallFeedClient second(server.url(), ward, Unit);
    WallFeedClient shared(server.url(), Token, Unit);
    QSignalSpy firstRefused(&first, &WallFeedClient::refused);
    QSignalSpy secondRefused(&second, &WallFeedClient::refused);
    for (WallFeedClient *client : {&first, &second, &shared})
        client->start();
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 3, Patience);
    QTRY_VERIFY_WITH_TIMEOUT(first.isConnected() && second.isConnected() && shared.isConnected(), Patience);

    displays->revoke("ICU station 1", 1'795'000'100'000);
    server.dropDisplay("ICU station 1", "this display's access was revoked at the console");
    QVERIFY(firstRefused.wait(Patience));
    QCOMPARE(firstRefused.at(0).at(0).toString(), "this display's access was revoked at the console");
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 2, Patience);
    QVERIFY(second.isConnected() && shared.isConnected());
    QVERIFY(secondRefused.isEmpty());

    WallFeedClient again(server.url(), icu, Unit);
    QSignalSpy againRefused(&again, &WallFeedClient::refused);
    again.start();
    QVERIFY(againRefused.wait(Patience));
    QCOMPARE(againRefused.at(0).at(0).toString(), "wrong token");
    QVERIFY(DisplayTokens(path).tokens().at(0).revoked());
    QVERIFY_THROWS_EXCEPTION(DisplayTokenError, displays->revoke("ICU station 1", 0)); // already
}

void TestWallFeed::protocolRoundTrips()
{
    WallSnapshot snapshot{{sampleAlert(1), sampleAlert(2)}, {sampleEntry(1)}, downHealth()};
    snapshot.alerts[1].comparator = ">";
    const auto decodedSnapshot = std::get<WallSnapshot>(
        WallProtocol::decodeServerMessage(WallProtocol::encodeSnapshot(snapshot)));
    QVERIFY(decodedSnapshot.alerts == snapshot.alerts);
    QVERIFY(decodedSnapshot.census == snapshot.census);
    QVERIFY(decodedSnapshot.health == snapshot.health);

    const std::vector<Alert> alerts{sampleAlert(3)};
    QVERIFY(std::get<WallAlertsMessage>(WallProtocol::decodeServerMessage(WallProtocol::encodeAlerts(alerts)))
                .alerts
            == alerts);
    const std::vector<CensusEntry> census{sampleEntry(4), sampleEntry(5)};
    QVERIFY(std::get<WallCensusMessage>(WallProtocol::decodeServerMessage(WallProtocol::encodeCensus(census)))
                .census
            == census);

    const auto heartbeat = std::get<WallHeartbeat>(
        WallProtocol::decodeServerMessage(WallProtocol::encodeHeartbeat(1234, upHealth())));
    QCOMPARE(heartbeat.atMs, 1234);
    QVERIFY(heartbeat.health == upHealth());

    const auto result = std::get<WallActionResult>(
        WallProtocol::decodeServerMessage(WallProtocol::encodeActionResult(7, false, "already resolved")));
    QCOMPARE(result.request, 7);
    QVERIFY(!result.ok);
    QCOMPARE(result.error, "already resolved");

    const auto error = std::get<WallErrorMessage>(WallProtocol::decodeServerMessage(WallProtocol::encodeError("x")));
    QCOMPARE(error.error, "x");

    const AlertAction action{AlertAction::Kind::Resolve, "crit-9", "RN Okafor", false};
    const WallActionRequest request = WallProtocol::decodeClientMessage(WallProtocol::encodeAction(42, action));
    QCOMPARE(request.request, 42);
    QCOMPARE(request.action.kind, AlertAction::Kind::Resolve);
    QCOMPARE(request.action.alertId, "crit-9");
    QCOMPARE(request.action.by, "RN Okafor");
    QVERIFY(!request.action.readBack);

    // The field names on the wire are the contract's.
    const auto wire = nlohmann::json::parse(WallProtocol::encodeAction(1, {AlertAction::Kind::Acknowledge, "a", "b", true}));
    QCOMPARE(wire.at("type").get<std::string>(), "action");
    QCOMPARE(wire.at("action").get<std::string>(), "acknowledge");
    QCOMPARE(wire.at("alert_id").get<std::string>(), "a");
    QVERIFY(wire.at("read_back").get<bool>());
    const auto entry = nlohmann::json::parse(WallProtocol::encodeCensus({sampleEntry(1)})).at("census").at(0);
    for (const char *key : {"patient_id", "encounter_id", "initials", "mrn", "ward", "room", "bed", "since_ms"})
        QVERIFY2(entry.contains(key), key);
    const auto health = nlohmann::json::parse(WallProtocol::encodeHeartbeat(1, downHealth())).at("health");
    for (const char *key : {"up", "last_heard_ms", "down_since_ms", "reason"})
        QVERIFY2(health.contains(key), key);
}

void TestWallFeed::protocolRejectsMalformedFrames_data()
{
    QTest::addColumn<bool>("fromServer");
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QString>("error"); // each of its |-separated parts
    QTest::addColumn<int>("request"); // -1: the error names no request

    QTest::newRow("not json") << true << "snapshot" << "not JSON" << -1;
    QTest::newRow("empty") << false << "" << "not JSON" << -1;
    QTest::newRow("truncated") << true << R"({"type":"alerts","alerts":[)" << "not JSON" << -1;
    QTest::newRow("array") << false << "[1,2]" << "not a JSON object" << -1;
    QTest::newRow("no type") << true << "{}" << "type is missing" << -1;
    QTest::newRow("type not text") << false << R"({"type":3})" << "type is missing" << -1;
    QTest::newRow("unknown server type") << true << R"({"type":"gossip"})" << "unknown message type" << -1;
    QTest::newRow("unknown client type") << false << R"({"type":"snapshot"})" << "unknown message type" << -1;
    QTest::newRow("alerts not array") << true << R"({"type":"alerts","alerts":{}})" << "alerts is not an array"
                                      << -1;
    QTest::newRow("alert unreadable") << true << R"({"type":"alerts","alerts":[{"state":"open"}]})"
                                      << "alerts[0]:|alert_id is missing" << -1;
    QTest::newRow("census entry without patient")
        << true << R"({"type":"census","census":[{"ward":"4 West"}]})" << "census[0]: patient_id is missing" << -1;
    QTest::newRow("census entry wrong type")
        << true << R"({"type":"census","census":[{"patient_id":"p","bed":7}]})" << "census[0]: bed is not a string"
        << -1;
    QTest::newRow("heartbeat without at") << true << R"({"type":"heartbeat","health":{"up":true}})"
                                          << "at is missing" << -1;
    QTest::newRow("heartbeat at fractional") << true << R"({"type":"heartbeat","at":1.5,"health":{"up":true}})"
                                             << "at is not a whole number" << -1;
    QTest::newRow("health without up") << true << R"({"type":"heartbeat","at":1,"health":{}})"
                                       << "health: up is not true or false" << -1;
    QTest::newRow("snapshot without census")
        << true << R"({"type":"snapshot","alerts":[],"health":{"up":true}})" << "census is not an array" << -1;
    QTest::newRow("result without ok") << true << R"({"type":"action-result","request":1})"
                                       << "ok is not true or false" << -1;
    QTest::newRow("action without request")
        << false << R"({"type":"action","action":"resolve","alert_id":"a","by":"b"})" << "request is missing" << -1;
    QTest::newRow("action request huge")
        << false << R"({"type":"action","request":99999999999,"action":"resolve","alert_id":"a","by":"b"})"
        << "request is out of range" << -1;
    QTest::newRow("action unknown")
        << false << R"({"type":"action","request":4,"action":"delete","alert_id":"a","by":"b"})"
        << "action is neither acknowledge nor resolve" << 4;
    QTest::newRow("action without alert")
        << false << R"({"type":"action","request":5,"action":"resolve","by":"b"})" << "alert_id is missing" << 5;
    QTest::newRow("action blank by")
        << false << R"({"type":"action","request":6,"action":"acknowledge","alert_id":"a","by":"  "})"
        << "by is empty" << 6;
    QTest::newRow("action by too long")
        << false
        << QStringLiteral(R"({"type":"action","request":8,"action":"acknowledge","alert_id":"a","by":"%1"})")
               .arg(QString(300, QLatin1Char('x')))
        << "by is longer than 200 bytes" << 8;
    QTest::newRow("action read_back not bool")
        << false << R"({"type":"action","request":9,"action":"acknowledge","alert_id":"a","by":"b","read_back":"yes"})"
        << "read_back is not true or false" << 9;
}

void TestWallFeed::protocolRejectsMalformedFrames()
{
    QFETCH(bool, fromServer);
    QFETCH(QString, frame);
    QFETCH(QString, error);
    QFETCH(int, request);
    const std::string bytes = frame.toStdString();
    try {
        if (fromServer)
            WallProtocol::decodeServerMessage(bytes);
        else
            WallProtocol::decodeClientMessage(bytes);
        QFAIL("the frame was accepted");
    } catch (const WallProtocolError &thrown) {
        for (const QString &part : error.split(QLatin1Char('|')))
            QVERIFY2(QString::fromUtf8(thrown.what()).contains(part), thrown.what());
        QCOMPARE(thrown.request().value_or(-1), request);
    }
}

void TestWallFeed::tokensAreRequiredAndCompared()
{
    WallFeedServer tokenless({});
    QVERIFY(!tokenless.listen(QHostAddress::LocalHost, 0));
    QVERIFY(tokenless.errorString().contains("token"));

    QVERIFY(WallProtocol::tokensMatch("abc", "abc"));
    QVERIFY(!WallProtocol::tokensMatch("abc", "abd"));
    QVERIFY(!WallProtocol::tokensMatch("abc", "abcd"));
    QVERIFY(!WallProtocol::tokensMatch("abc", ""));
    QVERIFY(!WallProtocol::tokensMatch("", "")); // a server without a token admits nobody
}

void TestWallFeed::snapshotArrivesOnConnect()
{
    WallFeedServer server(Token, fullRecords());
    int provided = 0;
    server.setSnapshotProvider([&] {
        ++provided;
        return WallSnapshot{{sampleAlert(1), sampleAlert(2)}, {sampleEntry(1)}, upHealth()};
    });
    QVERIFY2(server.listen(QHostAddress::LocalHost, 0), qPrintable(server.errorString()));
    QCOMPARE(server.url().scheme(), "ws");
    QCOMPARE(server.url().host(), "127.0.0.1");
    QCOMPARE(server.url().path(), "/wall");
    QVERIFY(server.url().port() > 0);
    QVERIFY(!server.url().hasQuery());

    QUrl bare = server.url();
    bare.setPath({});
    WallFeedClient client(bare, Token, Unit); // the path is the feed's own
    QCOMPARE(client.url().path(), "/wall");
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy connected(&client, &WallFeedClient::connectedChanged);
    client.start();
    QVERIFY(snapshots.wait(Patience));
    const auto snapshot = snapshots.at(0).at(0).value<WallSnapshot>();
    QCOMPARE(snapshot.alerts.size(), 2u);
    QVERIFY(snapshot.alerts[0] == sampleAlert(1));
    QVERIFY(snapshot.alerts[1] == sampleAlert(2));
    QVERIFY(snapshot.census == std::vector<CensusEntry>{sampleEntry(1)});
    QVERIFY(snapshot.health == upHealth());
    QCOMPARE(connected.size(), 1);
    QCOMPARE(connected.at(0).at(0).toBool(), true);
    QVERIFY(client.isConnected());
    QCOMPARE(server.clientCount(), 1);
    QCOMPARE(provided, 1);
}

void TestWallFeed::publishedAlertsAndCensusArrive()
{
    WallFeedServer server(Token, fullRecords());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    WallFeedClient client(server.url(), Token, Unit);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy alerts(&client, &WallFeedClient::alertsReceived);
    QSignalSpy census(&client, &WallFeedClient::censusReceived);
    client.start();
    QVERIFY(snapshots.wait(Patience));
    QVERIFY(snapshots.at(0).at(0).value<WallSnapshot>().alerts.empty()); // no provider: an empty board

    Alert acknowledged = *sampleAlert(7).acknowledge("RN Okafor", 1'795'000'100'000, true).alert;
    server.publishAlerts({sampleAlert(6), acknowledged});
    server.publishAlerts({}); // nothing changed: nothing sent
    server.publishCensus({sampleEntry(2), sampleEntry(3)});
    QTRY_COMPARE_WITH_TIMEOUT(census.size(), 1, Patience);
    QCOMPARE(alerts.size(), 1);
    const auto received = alerts.at(0).at(0).value<std::vector<Alert>>();
    QCOMPARE(received.size(), 2u);
    QVERIFY(received[0] == sampleAlert(6));
    QVERIFY(received[1] == acknowledged);
    QVERIFY((census.at(0).at(0).value<std::vector<CensusEntry>>() == std::vector{sampleEntry(2), sampleEntry(3)}));

    server.publishCensus({}); // an emptied unit is news too
    QTRY_COMPARE_WITH_TIMEOUT(census.size(), 2, Patience);
    QVERIFY(census.at(1).at(0).value<std::vector<CensusEntry>>().empty());
}

void TestWallFeed::heartbeatsCarryTheHealth()
{
    WallFeedServerOptions options;
    options.heartbeatMs = 100;
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    FeedHealth health = upHealth();
    health.reason = "all partitions live";
    server.setFeedHealth(health);

    WallFeedClient client(server.url(), Token);
    QSignalSpy heartbeats(&client, &WallFeedClient::heartbeatReceived);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(heartbeats.size() >= 3, Patience);
    qint64 previous = 0;
    for (const auto &beat : std::as_const(heartbeats)) {
        QVERIFY(beat.at(0).value<FeedHealth>() == health);
        QVERIFY(beat.at(1).toLongLong() >= previous);
        previous = beat.at(1).toLongLong();
    }
    QVERIFY(previous > 1'600'000'000'000); // a wall-clock time in milliseconds
}

void TestWallFeed::feedDownIsPushedAtOnce()
{
    WallFeedServerOptions options;
    options.heartbeatMs = 3'600'000; // no regular heartbeat during the test: what arrives was pushed
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    server.setFeedHealth(upHealth());
    WallFeedClient client(server.url(), Token);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy heartbeats(&client, &WallFeedClient::heartbeatReceived);
    client.start();
    QVERIFY(snapshots.wait(Patience));
    QVERIFY(snapshots.at(0).at(0).value<WallSnapshot>().health == upHealth());

    FeedHealth stillUp = upHealth();
    stillUp.lastHeardMs += 1000;
    server.setFeedHealth(stillUp); // not a change of up/down: waits for the next heartbeat
    server.setFeedHealth(downHealth());
    QVERIFY(heartbeats.wait(Patience));
    QCOMPARE(heartbeats.size(), 1);
    QVERIFY(heartbeats.at(0).at(0).value<FeedHealth>() == downHealth());

    server.setFeedHealth(upHealth());
    QVERIFY(heartbeats.wait(Patience));
    QVERIFY(heartbeats.at(1).at(0).value<FeedHealth>().up);
}

void TestWallFeed::actionRoundTrip()
{
    WallFeedServer server(Token);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy requested(&server, &WallFeedServer::actionRequested);
    WallFeedClient client(server.url(), Token);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy answered(&client, &WallFeedClient::actionAnswered);
    QSignalSpy protocolErrors(&client, &WallFeedClient::protocolError);
    client.start();
    QVERIFY(snapshots.wait(Patience));

    const int acknowledge = client.sendAction({AlertAction::Kind::Acknowledge, "crit-1", "RN Okafor", true});
    QVERIFY2(acknowledge > 0, qPrintable(client.errorString()));
    const int resolve = client.sendAction({AlertAction::Kind::Resolve, "crit-2", "Dr Lee", false});
    QVERIFY(resolve > 0 && resolve != acknowledge);
    QTRY_COMPARE_WITH_TIMEOUT(requested.size(), 2, Patience);
    const auto first = requested.at(0).at(0).value<AlertAction>();
    QCOMPARE(first.kind, AlertAction::Kind::Acknowledge);
    QCOMPARE(first.alertId, "crit-1");
    QCOMPARE(first.by, "RN Okafor");
    QVERIFY(first.readBack);
    const auto second = requested.at(1).at(0).value<AlertAction>();
    QCOMPARE(second.kind, AlertAction::Kind::Resolve);
    QCOMPARE(second.alertId, "crit-2");
    const int firstKey = requested.at(0).at(1).toInt();
    const int secondKey = requested.at(1).at(1).toInt();
    QVERIFY(firstKey != secondKey);

    // Answered out of order; each answer reaches its own request.
    server.answerAction(secondKey, false, "the alert is already resolved");
    server.answerAction(firstKey, true, {});
    server.answerAction(firstKey, true, {}); // twice: the second is ignored
    server.answerAction(987654, true, {});   // never asked: ignored
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, Patience);
    QCOMPARE(answered.at(0).at(0).toInt(), resolve);
    QCOMPARE(answered.at(0).at(1).toBool(), false);
    QCOMPARE(answered.at(0).at(2).toString(), "the alert is already resolved");
    QCOMPARE(answered.at(1).at(0).toInt(), acknowledge);
    QCOMPARE(answered.at(1).at(1).toBool(), true);
    QCOMPARE(answered.at(1).at(2).toString(), QString());

    // A round trip more proves nothing else was queued behind.
    QVERIFY(client.sendAction({AlertAction::Kind::Resolve, "crit-1", "RN Okafor", false}) > 0);
    QVERIFY(requested.wait(Patience));
    server.answerAction(requested.at(2).at(1).toInt(), true, {});
    QVERIFY(answered.wait(Patience));
    QCOMPARE(answered.size(), 3);
    QVERIFY2(protocolErrors.isEmpty(), qPrintable(protocolErrors.value(0).value(0).toString()));
}

void TestWallFeed::answerForAGoneDisplayIsDropped()
{
    WallFeedServer server(Token);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy requested(&server, &WallFeedServer::actionRequested);
    WallFeedClient client(server.url(), Token);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy answered(&client, &WallFeedClient::actionAnswered);
    QSignalSpy connected(&client, &WallFeedClient::connectedChanged);
    client.start();
    QVERIFY(snapshots.wait(Patience));
    const int request = client.sendAction({AlertAction::Kind::Acknowledge, "crit-1", "RN Okafor", false});
    QVERIFY(requested.wait(Patience));

    client.stop();
    // The display is told its request was not answered rather than left waiting.
    QCOMPARE(answered.size(), 1);
    QCOMPARE(answered.at(0).at(0).toInt(), request);
    QCOMPARE(answered.at(0).at(1).toBool(), false);
    QCOMPARE(connected.size(), 2);
    QCOMPARE(connected.at(1).at(0).toBool(), false);
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 0, Patience);
    server.answerAction(requested.at(0).at(1).toInt(), true, {}); // nobody to tell: dropped quietly
    QCOMPARE(server.clientCount(), 0);
}

void TestWallFeed::sendActionNeedsAConnection()
{
    WallFeedClient client(QUrl("ws://127.0.0.1:1"), Token);
    QCOMPARE(client.sendAction({AlertAction::Kind::Acknowledge, "crit-1", "RN Okafor", false}), -1);
    QVERIFY2(client.errorString().contains("not connected"), qPrintable(client.errorString()));

    WallFeedServer server(Token);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    WallFeedClient connectedClient(server.url(), Token);
    QSignalSpy snapshots(&connectedClient, &WallFeedClient::snapshotReceived);
    connectedClient.start();
    QVERIFY(snapshots.wait(Patience));
    QCOMPARE(connectedClient.sendAction({AlertAction::Kind::Acknowledge, "crit-1", " ", false}), -1);
    QVERIFY(connectedClient.errorString().contains("name"));
    QCOMPARE(connectedClient.sendAction({AlertAction::Kind::Acknowledge, "", "RN Okafor", false}), -1);

    WallFeedClient nonsense(QUrl("http://127.0.0.1:1/wall"), Token);
    QSignalSpy refused(&nonsense, &WallFeedClient::refused);
    nonsense.start();
    QCOMPARE(refused.size(), 1);
    QVERIFY(refused.at(0).at(0).toString().contains("ws://"));
}

void TestWallFeed::badTokenIsRefused_data()
{
    QTest::addColumn<QString>("token");
    QTest::newRow("wrong") << "not-the-token";
    QTest::newRow("missing") << QString();
    QTest::newRow("prefix") << Token.left(Token.size() - 1);
}

void TestWallFeed::badTokenIsRefused()
{
    QFETCH(QString, token);
    WallFeedServer server(Token);
    bool provided = false;
    server.setSnapshotProvider([&] {
        provided = true;
        return WallSnapshot{{sampleAlert(1)}, {sampleEntry(1)}, upHealth()};
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    server.publishAlerts({sampleAlert(2)});

    WallFeedClient client(server.url(), token);
    QSignalSpy refused(&client, &WallFeedClient::refused);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy connected(&client, &WallFeedClient::connectedChanged);
    QSignalSpy protocolErrors(&client, &WallFeedClient::protocolError);
    client.start();
    QVERIFY(refused.wait(Patience));
    QCOMPARE(refused.at(0).at(0).toString(), "wrong token");
    QVERIFY2(client.errorString().contains("wrong token") && client.errorString().contains("not retrying"),
             qPrintable(client.errorString()));
    QVERIFY(!client.errorString().contains(Token));
    QCOMPARE(server.refusedClients(), 1);

    // Raw, to see that the server sent nothing before its close.
    QWebSocket raw;
    QSignalSpy rawFrames(&raw, &QWebSocket::textMessageReceived);
    QSignalSpy rawClosed(&raw, &QWebSocket::disconnected);
    raw.open(token.isEmpty() ? server.url() : withToken(server.url(), token));
    QVERIFY(rawClosed.wait(Patience));
    QCOMPARE(raw.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(raw.closeReason(), "wrong token");
    QCOMPARE(server.refusedClients(), 2);

    // A refusal is a configuration error: the client does not come back (its first retry would be
    // due after 1 s).
    QTest::qWait(2500);
    QCOMPARE(server.refusedClients(), 2);
    QCOMPARE(refused.size(), 1);
    QVERIFY(snapshots.isEmpty());
    QVERIFY(connected.isEmpty());
    QVERIFY(protocolErrors.isEmpty());
    QVERIFY(rawFrames.isEmpty());
    QVERIFY(!provided);
    QCOMPARE(server.clientCount(), 0);
}

void TestWallFeed::tokenInHeaderOrQueryIsAccepted()
{
    WallFeedServer server(Token, fullRecords());
    server.setSnapshotProvider([] { return WallSnapshot{{sampleAlert(1)}, {}, upHealth()}; });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    QWebSocket byHeader;
    QSignalSpy headerFrames(&byHeader, &QWebSocket::textMessageReceived);
    QNetworkRequest request(server.url());
    request.setRawHeader("Authorization", "Bearer " + Token.toUtf8());
    byHeader.open(request);
    QVERIFY(headerFrames.wait(Patience));
    int taken = 0;
    QVERIFY(std::holds_alternative<WallSnapshot>(nextMessage(headerFrames, taken)));

    QWebSocket byQuery;
    QSignalSpy queryFrames(&byQuery, &QWebSocket::textMessageReceived);
    byQuery.open(withToken(server.url(), Token, Unit));
    QVERIFY(queryFrames.wait(Patience));
    taken = 0;
    const auto snapshot = std::get<WallSnapshot>(nextMessage(queryFrames, taken));
    QVERIFY(snapshot.alerts == std::vector{sampleAlert(1)});

    QCOMPARE(server.clientCount(), 2);
    QCOMPARE(server.refusedClients(), 0);

    QWebSocket elsewhere; // the right token on another path is still refused
    QSignalSpy elsewhereClosed(&elsewhere, &QWebSocket::disconnected);
    QUrl other = withToken(server.url(), Token);
    other.setPath("/admin");
    elsewhere.open(other);
    QVERIFY(elsewhereClosed.wait(Patience));
    QCOMPARE(elsewhere.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(elsewhere.closeReason(), "unknown path");
}

void TestWallFeed::malformedFramesGetAnErrorAndTheConnectionStays()
{
    WallFeedServer server(Token);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy requested(&server, &WallFeedServer::actionRequested);
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    QSignalSpy closed(&raw, &QWebSocket::disconnected);
    raw.open(withToken(server.url(), Token));
    int taken = 0;
    QVERIFY(std::holds_alternative<WallSnapshot>(nextMessage(frames, taken)));

    const auto expectError = [&](const QString &frame, const char *error) {
        raw.sendTextMessage(frame);
        const WallServerMessage answer = nextMessage(frames, taken);
        const auto *message = std::get_if<WallErrorMessage>(&answer);
        return message && message->error.find(error) != std::string::npos;
    };
    QVERIFY(expectError("acknowledge everything", "not JSON"));
    QVERIFY(expectError("[]", "not a JSON object"));
    QVERIFY(expectError(R"({"type":"snapshot"})", "unknown message type"));
    QVERIFY(expectError(R"({"type":"action","action":"resolve","alert_id":"a","by":"b"})", "request is missing"));
    raw.sendBinaryMessage("\x01\x02");
    QVERIFY(std::holds_alternative<WallErrorMessage>(nextMessage(frames, taken)));

    // An action that names its request is answered as that request.
    raw.sendTextMessage(R"({"type":"action","request":7,"action":"acknowledge","alert_id":"crit-1","by":""})");
    const auto refusedAction = std::get<WallActionResult>(nextMessage(frames, taken));
    QCOMPARE(refusedAction.request, 7);
    QVERIFY(!refusedAction.ok);
    QVERIFY(refusedAction.error.find("by is empty") != std::string::npos);
    QVERIFY(requested.isEmpty());

    // Still connected, and still served.
    raw.sendTextMessage(R"({"type":"action","request":8,"action":"resolve","alert_id":"crit-1","by":"RN Okafor"})");
    QVERIFY(requested.wait(Patience));
    server.answerAction(requested.at(0).at(1).toInt(), true, {});
    const auto result = std::get<WallActionResult>(nextMessage(frames, taken));
    QCOMPARE(result.request, 8);
    QVERIFY(result.ok);
    QVERIFY(closed.isEmpty());
    QCOMPARE(raw.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(server.clientCount(), 1);
}

void TestWallFeed::clientReconnectsToANewServer()
{
    auto server = std::make_unique<WallFeedServer>(Token, fullRecords());
    server->setSnapshotProvider([] { return WallSnapshot{{sampleAlert(1)}, {}, upHealth()}; });
    QVERIFY(server->listen(QHostAddress::LocalHost, 0));
    const quint16 port = quint16(server->url().port());

    WallFeedClient client(server->url(), Token, Unit);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy connected(&client, &WallFeedClient::connectedChanged);
    QSignalSpy refused(&client, &WallFeedClient::refused);
    client.start();
    QVERIFY(snapshots.wait(Patience));

    server.reset();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, Patience);
    QCOMPARE(connected.at(1).at(0).toBool(), false);
    QVERIFY(!client.isConnected());

    server = std::make_unique<WallFeedServer>(Token, fullRecords());
    server->setSnapshotProvider([] { return WallSnapshot{{sampleAlert(2)}, {}, downHealth()}; });
    QVERIFY2(server->listen(QHostAddress::LocalHost, port), qPrintable(server->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 3 * Patience);
    const auto fresh = snapshots.at(1).at(0).value<WallSnapshot>();
    QVERIFY(fresh.alerts == std::vector{sampleAlert(2)});
    QVERIFY(fresh.health == downHealth());
    QCOMPARE(connected.size(), 3);
    QCOMPARE(connected.at(2).at(0).toBool(), true);
    QVERIFY(refused.isEmpty());
}

void TestWallFeed::slowDisplayIsDroppedWhileOthersKeepReceiving()
{
    WallFeedServerOptions options;
    options.maxQueuedBytes = 64 * 1024;
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    WallFeedClient client(server.url(), Token, Unit); // the stalled peer names the unit too
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy connected(&client, &WallFeedClient::connectedChanged);
    QObject context; // destroyed first: no signal reaches `received` after the test
    std::size_t received = 0;
    connect(&client, &WallFeedClient::alertsReceived, &context,
            [&](const std::vector<Alert> &alerts) { received += alerts.size(); });
    client.start();
    QVERIFY(snapshots.wait(Patience));

    StalledPeer stalled;
    QVERIFY(stalled.connectTo(quint16(server.url().port()), Token));
    QTRY_COMPARE_WITH_TIMEOUT(server.clientCount(), 2, Patience);

    std::vector<Alert> batch;
    for (int n = 0; n < 200; ++n)
        batch.push_back(sampleAlert(n)); // about 150 KiB a frame
    // Each batch reaches the reading display before the next is published, so only the stalled one
    // falls behind; the kernel's buffers (a few MiB) fill first, then the server's queue.
    std::size_t published = 0;
    for (int round = 0; round < 500 && server.droppedClients() == 0; ++round) {
        server.publishAlerts(batch);
        published += batch.size();
        QTRY_COMPARE_WITH_TIMEOUT(received, published, Patience);
    }
    QCOMPARE(server.droppedClients(), 1);
    QCOMPARE(server.clientCount(), 1);

    server.publishAlerts({sampleAlert(1000)});
    QTRY_COMPARE_WITH_TIMEOUT(received, published + 1, Patience);
    QCOMPARE(connected.size(), 1); // the reading display never lost its connection
    QVERIFY(client.isConnected());
    QCOMPARE(server.droppedClients(), 1);
}

void TestWallFeed::aUnitDisplayReceivesItsUnitOnlyMasked()
{
    WallFeedServerOptions options;
    options.heartbeatMs = 3'600'000; // the heartbeat this test pushes marks the end of what it sent
    WallFeedServer server(Token, options);
    Hospital hospital;
    server.setSnapshotProvider([&] { return hospital.snapshot(); });
    server.setFeedHealth(upHealth()); // so that going down is pushed at once
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    raw.open(withToken(server.url(), Token, QStringLiteral("ICU")));
    int taken = 0;
    const auto snapshot = std::get<WallSnapshot>(nextMessage(frames, taken));
    QCOMPARE(snapshot.census.size(), 2u);
    QCOMPARE(snapshot.alerts.size(), 1u);
    QCOMPARE(snapshot.alerts[0].alertId, "crit-icu"); // actions name the real alert
    QCOMPARE(snapshot.alerts[0].patientId, snapshot.census[0].patientId); // pseudonyms still join
    QVERIFY(snapshot.alerts[0].observationId.empty());
    QVERIFY(snapshot.alerts[0].source == RecordSource{});
    QCOMPARE(snapshot.census[0].mrn, "0101");

    // Later messages: both units' alerts change, both units admit a patient.
    const Alert west = *hospital.alerts[1].acknowledge("RN Okafor", 1'795'000'100'000, true).alert;
    const Alert icu = *hospital.alerts[0].acknowledge("RN Okafor", 1'795'000'100'000, true).alert;
    server.publishAlerts({west});
    server.publishAlerts({west, icu});
    hospital.census.push_back({"pat-icu-000103", "enc-icu-000103", "G.H.", "MRN77410103", "ICU", "3", "A", 1});
    hospital.census.push_back({"pat-west-000202", "enc-west-000202", "I.J.", "MRN55320202", "4 West", "8", "A", 1});
    server.publishCensus(hospital.census);
    server.setFeedHealth(downHealth());

    int census = 0;
    int alerts = 0;
    for (;;) {
        const WallServerMessage message = nextMessage(frames, taken);
        if (std::holds_alternative<WallHeartbeat>(message))
            break;
        if (const auto *changed = std::get_if<WallAlertsMessage>(&message)) {
            ++alerts;
            QCOMPARE(changed->alerts.size(), 1u);
            QCOMPARE(changed->alerts[0].alertId, "crit-icu");
            QCOMPARE(changed->alerts[0].state, AlertState::Acknowledged);
        } else if (const auto *rows = std::get_if<WallCensusMessage>(&message)) {
            ++census;
            QCOMPARE(rows->census.size(), 3u);
            for (const CensusEntry &row : rows->census)
                QCOMPARE(row.ward, "ICU");
        } else {
            QFAIL("neither alerts nor census nor heartbeat");
        }
    }
    QCOMPARE(alerts, 1); // the 4 West change alone was sent to nobody here
    QCOMPARE(census, 1);
    for (qsizetype i = 0; i < frames.size(); ++i) {
        const std::string frame = frames.at(i).at(0).toString().toStdString();
        for (const std::string &secret : hospital.secretsForIcu())
            QVERIFY2(frame.find(secret) == std::string::npos, (secret + " in " + frame).c_str());
        QVERIFY(frame.find("MRN77410103") == std::string::npos && frame.find("MRN55320202") == std::string::npos);
    }
}

void TestWallFeed::theRemoteBoardIsRightWithMaskedData()
{
    WallFeedServer server(Token);
    Hospital hospital;
    server.setSnapshotProvider([&] { return hospital.snapshot(); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    WallFeedClient client(server.url(), Token, QStringLiteral("ICU"));
    WallState remote(WallOptions{});
    feed(client, remote);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    client.start();
    QVERIFY(snapshots.wait(Patience));

    // The console's own board of the unit, from the full records.
    WallState console(WallOptions{});
    console.applySnapshot(hospital.alerts, hospital.census, QDateTime::currentMSecsSinceEpoch());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const std::vector<BoardRow> local = console.rows("ICU", now);
    const std::vector<BoardRow> shown = remote.rows("ICU", now);
    QCOMPARE(shown.size(), 1u);
    QCOMPARE(shown.size(), local.size());
    QCOMPARE(shown[0].alert.alertId, local[0].alert.alertId);
    QCOMPARE(shown[0].patient, local[0].patient); // "A.B. ·0101" on both
    QCOMPARE(shown[0].patient, std::string("A.B. \u00b70101"));
    QCOMPARE(shown[0].room, "1");
    QCOMPARE(shown[0].bed, "A");
    QCOMPARE(shown[0].valueText, local[0].valueText);
    QCOMPARE(remote.admitted("ICU"), 2);
    QVERIFY(remote.rows("4 West", now).empty());

    // An acknowledgement arrives as on every display.
    QSignalSpy alerts(&client, &WallFeedClient::alertsReceived);
    server.publishAlerts({*hospital.alerts[0].acknowledge("RN Okafor", now, true).alert});
    QVERIFY(alerts.wait(Patience));
    QCOMPARE(remote.rows("ICU", now)[0].ackedBy(), "RN Okafor");
}

void TestWallFeed::aTransferBringsTheAlertToTheNewUnit()
{
    WallFeedServer server(Token);
    Hospital hospital;
    server.setSnapshotProvider([&] { return hospital.snapshot(); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    WallFeedClient client(server.url(), Token, QStringLiteral("ICU"));
    WallState remote(WallOptions{});
    feed(client, remote);
    QSignalSpy snapshots(&client, &WallFeedClient::snapshotReceived);
    QSignalSpy alerts(&client, &WallFeedClient::alertsReceived);
    QSignalSpy census(&client, &WallFeedClient::censusReceived);
    client.start();
    QVERIFY(snapshots.wait(Patience));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(!rowOf(remote.rows("ICU", now), "crit-west"));

    hospital.census[2].ward = "ICU"; // 4 West's patient moves to the ICU, with their open alert
    server.publishCensus(hospital.census);
    QVERIFY(alerts.wait(Patience));
    QCOMPARE(census.size(), 1);
    const auto arrived = alerts.at(0).at(0).value<std::vector<Alert>>();
    QCOMPARE(arrived.size(), 1u); // the ICU's own alert is not sent again
    QCOMPARE(arrived[0].alertId, "crit-west");
    const auto row = rowOf(remote.rows("ICU", now), "crit-west");
    QVERIFY(row);
    QCOMPARE(row->patient, std::string("E.F. \u00b70201"));
    QCOMPARE(row->room, "7");

    hospital.census[2].ward = "4 West"; // and back: the ICU's display no longer shows the alert
    server.publishCensus(hospital.census);
    QVERIFY(census.wait(Patience));
    QVERIFY(!rowOf(remote.rows("ICU", now), "crit-west"));
    QVERIFY(rowOf(remote.rows("ICU", now), "crit-icu"));
}

void TestWallFeed::aDisplayWithoutAUnitGetsTheOverviewOnly()
{
    WallFeedServerOptions options;
    options.heartbeatMs = 3'600'000;
    WallFeedServer server(Token, options);
    Hospital hospital;
    server.setSnapshotProvider([&] { return hospital.snapshot(); });
    server.setFeedHealth(upHealth()); // so that going down is pushed at once
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    raw.open(withToken(server.url(), Token));
    int taken = 0;
    const auto snapshot = std::get<WallSnapshot>(nextMessage(frames, taken));
    QVERIFY(snapshot.alerts.empty());
    QVERIFY(snapshot.census.empty());
    QVERIFY(snapshot.health == upHealth());

    server.publishAlerts(hospital.alerts);
    hospital.census[0].room = "5";
    server.publishCensus(hospital.census);
    server.setFeedHealth(downHealth());
    // What was published reached nobody here: the next message is the heartbeat.
    const auto heartbeat = std::get<WallHeartbeat>(nextMessage(frames, taken));
    QVERIFY(heartbeat.health == downHealth());
    QCOMPARE(frames.size(), 2);
}

void TestWallFeed::fullIdentifiersAreSentWhenTheConsoleSaysSo()
{
    WallFeedServer server(Token, fullRecords());
    Hospital hospital;
    server.setSnapshotProvider([&] { return hospital.snapshot(); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    raw.open(withToken(server.url(), Token, QStringLiteral("ICU")));
    int taken = 0;
    const auto snapshot = std::get<WallSnapshot>(nextMessage(frames, taken));
    QVERIFY(snapshot.census == std::vector(hospital.census.begin(), hospital.census.begin() + 2));
    QVERIFY(snapshot.alerts == std::vector{hospital.alerts[0]});
    const QString frame = frames.at(0).at(0).toString();
    QVERIFY(frame.contains("MRN77410101"));
    QVERIFY(!frame.contains("MRN55320201")); // still the one unit
}

void TestWallFeed::aTooLongUnitIsRefused()
{
    WallFeedServer server(Token);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    QSignalSpy closed(&raw, &QWebSocket::disconnected);
    raw.open(withToken(server.url(), Token, QString(201, QLatin1Char('u'))));
    QVERIFY(closed.wait(Patience));
    QCOMPARE(raw.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(raw.closeReason(), "unit name too long");
    QVERIFY(frames.isEmpty());
    QCOMPARE(server.refusedClients(), 1);
}

void TestWallFeed::actionsAreRateLimitedPerDisplay()
{
    WallFeedServerOptions options;
    options.actionRefillMs = 3'600'000; // no refill during the test: what passes is the burst
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy requested(&server, &WallFeedServer::actionRequested);
    QWebSocket raw;
    QSignalSpy frames(&raw, &QWebSocket::textMessageReceived);
    raw.open(withToken(server.url(), Token));
    int taken = 0;
    QVERIFY(std::holds_alternative<WallSnapshot>(nextMessage(frames, taken)));

    for (int n = 1; n <= 15; ++n)
        raw.sendTextMessage(QString::fromStdString(
            WallProtocol::encodeAction(n, {AlertAction::Kind::Acknowledge, "crit-" + std::to_string(n), "RN Okafor", true})));
    for (int n = 11; n <= 15; ++n) {
        const auto result = std::get<WallActionResult>(nextMessage(frames, taken));
        QCOMPARE(result.request, n);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.starts_with("too many actions from this display: at most 10 in a burst, then one"),
                 result.error.c_str());
    }
    QCOMPARE(requested.size(), WallProtocol::ActionBurst); // the frames are handled in order
    QCOMPARE(requested.at(9).at(0).value<AlertAction>().alertId, "crit-10");

    // Another display has a bucket of its own.
    QWebSocket other;
    QSignalSpy otherFrames(&other, &QWebSocket::textMessageReceived);
    other.open(withToken(server.url(), Token));
    int otherTaken = 0;
    QVERIFY(std::holds_alternative<WallSnapshot>(nextMessage(otherFrames, otherTaken)));
    other.sendTextMessage(QString::fromStdString(
        WallProtocol::encodeAction(1, {AlertAction::Kind::Acknowledge, "crit-1", "RN Lee", true})));
    QVERIFY(requested.wait(Patience));
    QCOMPARE(requested.size(), WallProtocol::ActionBurst + 1);
}

void TestWallFeed::aGarbageFloodWritesABoundedLog()
{
    WallFeedServerOptions options;
    options.actionRefillMs = 3'600'000; // exactly the burst passes, however long the flood takes
    WallFeedServer server(Token, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QWebSocket raw;
    int received = 0;
    QObject context;
    connect(&raw, &QWebSocket::textMessageReceived, &context, [&](const QString &) { ++received; });
    raw.open(withToken(server.url(), Token));
    QTRY_COMPARE_WITH_TIMEOUT(received, 1, Patience); // the snapshot

    feedLogLines = 0;
    previousHandler = qInstallMessageHandler(countFeedLines);
    constexpr int Flood = 20'000;
    for (int n = 0; n < Flood; ++n) {
        if (n % 4 == 3)
            raw.sendBinaryMessage(QByteArrayLiteral("\x01\x02"));
        else
            raw.sendTextMessage(n % 2 ? QStringLiteral("{\"type\":\"gossip\"}") : QStringLiteral("not json %1").arg(n));
    }
    for (int n = 0; n < 100; ++n) // over the rate limit as well
        raw.sendTextMessage(QString::fromStdString(
            WallProtocol::encodeAction(n, {AlertAction::Kind::Acknowledge, "crit-1", "RN Okafor", true})));
    // Every frame is still answered.
    QTRY_COMPARE_WITH_TIMEOUT(received, 1 + Flood + 100 - WallProtocol::ActionBurst, 4 * Patience);
    qInstallMessageHandler(previousHandler);
    // Said once per peer and reason: unreadable, binary, too many actions (each flood a 60 s period).
    QVERIFY2(feedLogLines <= 5, qPrintable(QString::number(feedLogLines)));
    QVERIFY(feedLogLines >= 3);
}

QTEST_GUILESS_MAIN(TestWallFeed)
#include "tst_wallfeed.moc"
