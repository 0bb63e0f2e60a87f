// The Confluent Schema Registry client against an HTTP fixture, NOT a real registry server.
// We looked for one that installs from the reachable package registries: Karapace is not on the
// PyPI index reachable here (`pip download karapace`: no versions), Confluent's own registry is not on
// Maven Central, and Apicurio Registry's application (io.apicurio:apicurio-registry-app, with a
// Confluent-compatible /apis/ccompat/v7 API) is listed on Maven Central only as a Quarkus application
// module, not as a runnable jar. So this fixture (a QTcpServer speaking HTTP/1.1) serves the responses
// Confluent documents for each endpoint, including its error bodies {"error_code", "message"}, and
// records what the client sent (paths, query, Authorization, body).
#include "schemas/schemacatalog.h"
#include "network/schemaregistryclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QtTest>

namespace {

// Confluent's verbose answer for a field added without a default (a plain literal: moc misreads raw
// strings holding quotes).
const char *const incompatibleAnswer =
    "{\"is_compatible\":false,\"messages\":[\"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The "
    "field 'specimen' at path '/fields/8' in the new schema has no default value and is missing in the old schema', "
    "additionalInfo:'specimen'}\"]}";

struct SeenRequest {
    QByteArray method;
    QByteArray target; // path and query
    QByteArray authorization;
    QByteArray body;
};

class RegistryFixture final : public QObject {
public:
    // With `tls`, the fixture speaks HTTPS (QSslServer: a connection is handed over once its handshake is done).
    explicit RegistryFixture(std::optional<QSslConfiguration> tls = std::nullopt)
    {
        if (tls) {
            auto *server = new QSslServer(this);
            server->setSslConfiguration(*tls);
            m_server = server;
        } else {
            m_server = new QTcpServer(this);
        }
        m_scheme = tls ? QStringLiteral("https") : QStringLiteral("http");
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        QVERIFY(m_server->listen(QHostAddress::LocalHost));
    }

    QUrl url() const { return QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(m_server->serverPort())); }
    QList<SeenRequest> seen;

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        SeenRequest request;
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        request.method = first.value(0);
        request.target = first.value(1);
        int length = 0;
        for (const QByteArray &line : lines.mid(1)) {
            const int colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toInt();
            if (name == "authorization")
                request.authorization = value;
        }
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = buffer.mid(headerEnd + 4, length);
        m_buffers.remove(socket);
        seen << request;
        const auto [status, body] = answer(request);
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
                      "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    static std::pair<int, QByteArray> error(int status, int code, const char *message)
    {
        return {status, QByteArray(R"({"error_code":)") + QByteArray::number(code) + R"(,"message":")" + message + "\"}"};
    }

    std::pair<int, QByteArray> answer(const SeenRequest &r) const
    {
        const QByteArray schema = R"({\"type\":\"record\",\"name\":\"FhirObservationEvent\",\"fields\":[]})";
        const QByteArray path = r.target.left(r.target.indexOf('?') < 0 ? r.target.size() : r.target.indexOf('?'));
        if (path == "/secret/subjects" && r.authorization != "Basic " + QByteArray("vigil:s3cret").toBase64())
            return error(401, 40101, "Unauthorized");
        if (r.method == "GET" && (path == "/subjects" || path == "/secret/subjects"))
            return {200, R"(["healthcare.labs.results-value","healthcare.adt.events-value"])"};
        if (r.method == "GET" && path == "/subjects/healthcare.labs.results-value/versions")
            return {200, "[1,2]"};
        if (r.method == "GET" && path == "/subjects/healthcare.labs.results-value/versions/2")
            return {200, R"({"subject":"healthcare.labs.results-value","version":2,"id":7,"schema":")" + schema + "\"}"};
        if (r.method == "GET" && path == "/subjects/healthcare.labs.results-value/versions/1")
            return {200, R"({"subject":"healthcare.labs.results-value","version":1,"id":6,"schema":")" + schema + "\"}"};
        if (r.method == "GET" && path.startsWith("/subjects/healthcare.adt.events-value"))
            return error(404, 40401, "Subject 'healthcare.adt.events-value' not found.");
        if (r.method == "GET" && path == "/subjects/healthcare.labs.results-value/versions/9")
            return error(404, 40402, "Version 9 not found.");
        if (r.method == "GET" && path.startsWith("/subjects/nope"))
            return error(404, 40401, "Subject 'nope' not found.");
        if (r.method == "GET" && path == "/schemas/ids/7")
            return {200, R"({"schema":")" + schema + "\"}"};
        if (r.method == "GET" && path == "/schemas/ids/99")
            return error(404, 40403, "Schema 99 not found");
        if (r.method == "GET" && path == "/config")
            return {200, R"({"compatibilityLevel":"BACKWARD"})"};
        if (r.method == "GET" && path == "/config/healthcare.labs.results-value")
            return {200, R"({"compatibilityLevel":"FULL_TRANSITIVE"})"};
        if (r.method == "POST" && path == "/compatibility/subjects/healthcare.labs.results-value/versions/latest") {
            if (r.body.contains("specimen"))
                return {200, incompatibleAnswer};
            return {200, R"({"is_compatible":true,"messages":[]})"};
        }
        if (r.method == "POST" && path == "/subjects/healthcare.labs.results-value/versions") {
            if (r.body.contains("specimen"))
                return error(409, 409, "Schema being registered is incompatible with an earlier schema");
            if (r.body.contains("broken"))
                return error(422, 42201, "Invalid schema");
            return {200, R"({"id":8})"};
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    QTcpServer *m_server = nullptr;
    QString m_scheme;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestSchemaRegistryClient final : public QObject {
    Q_OBJECT

    std::unique_ptr<RegistryFixture> m_fixture;
    QThread m_thread;

    // A client on a worker thread of its own, as the application runs it.
    SchemaRegistryClient *client(SchemaRegistrySettings settings)
    {
        auto *c = new SchemaRegistryClient(std::move(settings));
        c->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, c, &QObject::deleteLater);
        return c;
    }

    // Received on this thread (queued): a failure reported before the wait begins (a refused
    // connection is quick) is kept, which QSignalSpy::wait across threads would miss.
    static SchemaRegistryError waitForError(SchemaRegistryClient *c, const std::function<void()> &request)
    {
        std::optional<SchemaRegistryError> failure;
        QObject context;
        QObject::connect(c, &SchemaRegistryClient::failed, &context, [&failure](quint64, const SchemaRegistryError &e) {
            if (!failure)
                failure = e;
        });
        request();
        if (!QTest::qWaitFor([&] { return failure.has_value(); }, 20'000))
            return {-1, 0, {}, QStringLiteral("no failure reported")};
        return *failure;
    }

private slots:
    void initTestCase()
    {
        m_fixture = std::make_unique<RegistryFixture>();
        m_thread.start();
    }
    void cleanupTestCase()
    {
        m_thread.quit();
        m_thread.wait();
    }

    void subjectsVersionsSchemas()
    {
        SchemaRegistryClient *c = client({m_fixture->url(), {}, {}, {}, 15'000});
        QSignalSpy subjects(c, &SchemaRegistryClient::subjectsReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchSubjects(1); }, Qt::QueuedConnection);
        QVERIFY(subjects.wait(20'000));
        QCOMPARE(subjects.first().at(0).toULongLong(), 1u);
        QCOMPARE(subjects.first().at(1).toStringList(),
                 QStringList({"healthcare.labs.results-value", "healthcare.adt.events-value"}));

        QSignalSpy versions(c, &SchemaRegistryClient::versionsReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchVersions(2, "healthcare.labs.results-value"); }, Qt::QueuedConnection);
        QVERIFY(versions.wait(20'000));
        QCOMPARE(versions.first().at(2).value<QList<int>>(), QList<int>({1, 2}));

        QSignalSpy schema(c, &SchemaRegistryClient::schemaReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchSchema(3, "healthcare.labs.results-value", "2"); }, Qt::QueuedConnection);
        QVERIFY(schema.wait(20'000));
        const auto fetched = schema.first().at(1).value<RegistrySchema>();
        QCOMPARE(fetched.id, 7);
        QCOMPARE(fetched.version, 2);
        QVERIFY(fetched.schema.contains("FhirObservationEvent"));
        QMetaObject::invokeMethod(c, [c] { c->fetchSchemaById(4, 7); }, Qt::QueuedConnection);
        QVERIFY(schema.wait(20'000));
        QCOMPARE(schema.at(1).at(1).value<RegistrySchema>().id, 7);

        QSignalSpy level(c, &SchemaRegistryClient::compatibilityLevelReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchCompatibilityLevel(5, {}); }, Qt::QueuedConnection);
        QVERIFY(level.wait(20'000));
        QCOMPARE(level.first().at(2).toString(), "BACKWARD");
        QMetaObject::invokeMethod(c, [c] { c->fetchCompatibilityLevel(6, "healthcare.labs.results-value"); },
                                  Qt::QueuedConnection);
        QVERIFY(level.wait(20'000));
        QCOMPARE(level.at(1).at(2).toString(), "FULL_TRANSITIVE");
        QCOMPARE(m_fixture->seen.last().target, "/config/healthcare.labs.results-value?defaultToGlobal=true");
    }

    void compatibilityCheckAndRegister()
    {
        SchemaRegistryClient *c = client({m_fixture->url(), {}, {}, {}, 15'000});
        QSignalSpy checked(c, &SchemaRegistryClient::compatibilityChecked);
        const QString breaking = R"({"type":"record","name":"FhirObservationEvent","fields":[{"name":"specimen","type":"string"}]})";
        QMetaObject::invokeMethod(c, [c, breaking] { c->checkCompatibility(1, "healthcare.labs.results-value", "latest", breaking); },
                                  Qt::QueuedConnection);
        QVERIFY(checked.wait(20'000));
        QCOMPARE(checked.first().at(2).toBool(), false);
        QVERIFY(checked.first().at(3).toStringList().first().contains("specimen"));
        const SeenRequest &sent = m_fixture->seen.last();
        QCOMPARE(sent.method, "POST");
        QCOMPARE(sent.target, "/compatibility/subjects/healthcare.labs.results-value/versions/latest?verbose=true");
        QCOMPARE(QJsonDocument::fromJson(sent.body).object().value("schema").toString(), breaking);

        QSignalSpy registered(c, &SchemaRegistryClient::registered);
        QMetaObject::invokeMethod(c, [c] { c->registerSchema(2, "healthcare.labs.results-value", R"({"type":"string"})"); },
                                  Qt::QueuedConnection);
        QVERIFY(registered.wait(20'000));
        QCOMPARE(registered.first().at(2).toInt(), 8);

        const auto conflict = waitForError(c, [c, breaking] {
            QMetaObject::invokeMethod(c, [c, breaking] { c->registerSchema(3, "healthcare.labs.results-value", breaking); },
                                      Qt::QueuedConnection);
        });
        QCOMPARE(conflict.httpStatus, 409);
        QVERIFY2(conflict.meaning.startsWith("incompatible"), qPrintable(conflict.meaning));
        const auto invalid = waitForError(c, [c] {
            QMetaObject::invokeMethod(c, [c] { c->registerSchema(4, "healthcare.labs.results-value", "broken"); },
                                      Qt::QueuedConnection);
        });
        QCOMPARE(invalid.httpStatus, 422);
        QCOMPARE(invalid.errorCode, 42201);
        QVERIFY2(invalid.meaning.startsWith("invalid schema"), qPrintable(invalid.meaning));
    }

    void errorsSayWhatTheyMean()
    {
        SchemaRegistryClient *c = client({m_fixture->url(), {}, {}, {}, 15'000});
        const auto call = [c](std::function<void(SchemaRegistryClient *)> f) {
            return [c, f] { QMetaObject::invokeMethod(c, [c, f] { f(c); }, Qt::QueuedConnection); };
        };
        auto e = waitForError(c, call([](auto *x) { x->fetchVersions(1, "nope"); }));
        QCOMPARE(e.errorCode, 40401);
        QCOMPARE(e.meaning, "subject not found");
        QCOMPARE(e.message, "Subject 'nope' not found.");
        e = waitForError(c, call([](auto *x) { x->fetchSchema(2, "healthcare.labs.results-value", "9"); }));
        QCOMPARE(e.meaning, "version not found");
        e = waitForError(c, call([](auto *x) { x->fetchSchemaById(3, 99); }));
        QCOMPARE(e.meaning, "schema not found");
    }

    void basicAuth()
    {
        QUrl url = m_fixture->url();
        url.setPath("/secret");
        SchemaRegistryClient *anonymous = client({url, {}, {}, {}, 15'000});
        const auto e = waitForError(anonymous, [anonymous] {
            QMetaObject::invokeMethod(anonymous, [anonymous] { anonymous->fetchSubjects(1); }, Qt::QueuedConnection);
        });
        QCOMPARE(e.httpStatus, 401);
        QCOMPARE(e.meaning, "not authorised: check the registry user and password");

        SchemaRegistryClient *c = client({url, "vigil", "s3cret", {}, 15'000});
        QSignalSpy subjects(c, &SchemaRegistryClient::subjectsReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchSubjects(2); }, Qt::QueuedConnection);
        QVERIFY(subjects.wait(20'000));
        QCOMPARE(m_fixture->seen.last().authorization, "Basic " + QByteArray("vigil:s3cret").toBase64());
    }

    // What the viewer shows with a registry: every subject's versions and level; a subject that cannot be
    // read (deleted between the listing and the fetch) is named, not fatal.
    void catalog()
    {
        SchemaRegistryClient *c = client({m_fixture->url(), {}, {}, {}, 15'000});
        QSignalSpy fetched(c, &SchemaRegistryClient::catalogFetched);
        QMetaObject::invokeMethod(c, [c] { c->fetchCatalog(5); }, Qt::QueuedConnection);
        QVERIFY(fetched.wait(20'000));
        QCOMPARE(fetched.first().at(0).toULongLong(), 5u);
        const auto catalog = fetched.first().at(1).value<SchemaCatalog>();
        const QStringList problems = fetched.first().at(2).toStringList();
        QCOMPARE(catalog.entries().size(), std::size_t(2));
        QCOMPARE(problems.size(), 2); // its versions and its level
        QVERIFY2(problems.first().startsWith(QStringLiteral("healthcare.adt.events-value: subject not found")), qPrintable(problems.first()));
        QVERIFY2(catalog.errors().isEmpty(), qPrintable(catalog.errors().join(u'\n')));
        QCOMPARE(catalog.subjects(), QStringList{QStringLiteral("healthcare.labs.results-value")});
        QCOMPARE(catalog.versions(QStringLiteral("healthcare.labs.results-value")), QList<int>({1, 2}));
        QCOMPARE(catalog.byId(7)->version, 2); // the registry's own ids
        QCOMPARE(catalog.byId(6)->version, 1);
        QVERIFY(!catalog.byId(1));
        QCOMPARE(catalog.compatibility(QStringLiteral("healthcare.labs.results-value")), CompatibilityMode::FullTransitive);
    }

    // HTTPS with the registry's certificate trusted through SchemaRegistrySettings::tls, and refused
    // when it is not. The certificate is made for this run with the openssl command.
    void tls()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(QStringLiteral("registry.key"));
        const QString certificate = dir.filePath(QStringLiteral("registry.crt"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                       QStringLiteral("-keyout"), key, QStringLiteral("-out"), certificate});
        QVERIFY2(openssl.waitForFinished(60'000) && openssl.exitCode() == 0, openssl.readAllStandardError().constData());
        QFile keyFile(key);
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificate);
        QCOMPARE(chain.size(), 1);

        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificate(chain.first());
        serverTls.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa));
        serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);
        RegistryFixture https(serverTls);
        QCOMPARE(https.url().scheme(), QStringLiteral("https"));

        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates({chain.first()});
        SchemaRegistryClient *c = client({https.url(), {}, {}, trusting, 15'000});
        QSignalSpy subjects(c, &SchemaRegistryClient::subjectsReady);
        QMetaObject::invokeMethod(c, [c] { c->fetchSubjects(1); }, Qt::QueuedConnection);
        QVERIFY(subjects.wait(20'000));
        QVERIFY(subjects.first().at(1).toStringList().contains(QStringLiteral("healthcare.labs.results-value")));
        QCOMPARE(https.seen.last().target, QByteArray("/subjects"));

        // The system's trust store does not know this certificate: the handshake fails and says so.
        SchemaRegistryClient *untrusting = client({https.url(), {}, {}, {}, 15'000});
        const auto e = waitForError(untrusting, [untrusting] {
            QMetaObject::invokeMethod(untrusting, [untrusting] { untrusting->fetchSubjects(2); }, Qt::QueuedConnection);
        });
        QCOMPARE(e.httpStatus, 0);
        QVERIFY2(e.meaning.startsWith(QStringLiteral("TLS handshake with the registry failed")), qPrintable(e.meaning));
    }

    void unreachable()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        SchemaRegistryClient *c = client({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, {}, {}, 15'000});
        const auto e = waitForError(c, [c] { QMetaObject::invokeMethod(c, [c] { c->fetchSubjects(1); }, Qt::QueuedConnection); });
        QCOMPARE(e.httpStatus, 0);
        QVERIFY2(e.meaning.startsWith("registry unreachable: "), qPrintable(e.meaning));
    }
};

QTEST_GUILESS_MAIN(TestSchemaRegistryClient)
#include "tst_schemaregistryclient.moc"
