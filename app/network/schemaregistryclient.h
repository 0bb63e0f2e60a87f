#pragma once

#include "schemas/schemacatalog.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

// Where the Confluent-compatible Schema Registry is and how to log in.
struct SchemaRegistrySettings {
    QUrl url;                 // http(s)://host:8081
    QString user;             // basic auth, when not empty
    QString password;
    std::optional<QSslConfiguration> tls; // CA, client certificate for mTLS; the default configuration when unset
    int timeoutMs = 15'000;
};

// A failed request, said as what it means.
struct SchemaRegistryError {
    int httpStatus = 0;  // 0: no HTTP answer (unreachable, TLS, timeout)
    int errorCode = 0;   // Confluent's error_code (40401, 42201, ...), 0 when none
    QString message;     // the registry's own message
    QString meaning;     // "subject not found", "registry unreachable: ...", ...
};
Q_DECLARE_METATYPE(SchemaRegistryError)

struct RegistrySchema {
    QString subject; // empty when fetched by id
    int version = 0;
    int id = 0;
    QString schema;  // the schema JSON text
};
Q_DECLARE_METATYPE(RegistrySchema)

// Error code and HTTP status to what they mean (Confluent's documented error codes).
QString schemaRegistryMeaning(int httpStatus, int errorCode);

// The Confluent Schema Registry REST API over Qt Network. Lives on a worker thread: create it, move it
// to a QThread, and call its request slots with QMetaObject::invokeMethod (queued). Each answer comes
// back as a signal carrying the caller's request id; a failure as failed(requestId, error).
class SchemaRegistryClient final : public QObject {
    Q_OBJECT
public:
    explicit SchemaRegistryClient(SchemaRegistrySettings settings, QObject *parent = nullptr);
    ~SchemaRegistryClient() override;

public slots:
    void fetchSubjects(quint64 requestId);
    void fetchVersions(quint64 requestId, const QString &subject);
    void fetchSchema(quint64 requestId, const QString &subject, const QString &version); // "latest" or a number
    void fetchSchemaById(quint64 requestId, int id);
    void fetchCompatibilityLevel(quint64 requestId, const QString &subject); // empty subject: the global level
    // POST /compatibility/subjects/{s}/versions/{v}?verbose=true; version "latest", or "" for all versions
    // the subject's level compares with (…/versions?verbose=true).
    void checkCompatibility(quint64 requestId, const QString &subject, const QString &version, const QString &schema);
    void registerSchema(quint64 requestId, const QString &subject, const QString &schema);
    // Every subject, every version's schema and each subject's compatibility level (defaultToGlobal),
    // for the schema viewer. A subject that cannot be read is left out and named in `problems`;
    // only an unreadable subject list fails the whole fetch.
    void fetchCatalog(quint64 requestId);

signals:
    void subjectsReady(quint64 requestId, const QStringList &subjects);
    void versionsReady(quint64 requestId, const QString &subject, const QList<int> &versions);
    void schemaReady(quint64 requestId, const RegistrySchema &schema);
    void compatibilityLevelReady(quint64 requestId, const QString &subject, const QString &level);
    void compatibilityChecked(quint64 requestId, const QString &subject, bool compatible, const QStringList &messages);
    void registered(quint64 requestId, const QString &subject, int id);
    // The registry's schemas as a catalog (ones that do not parse are in its errors()), and the subjects
    // that could not be read, each "subject: why".
    void catalogFetched(quint64 requestId, const SchemaCatalog &catalog, const QStringList &problems);
    void failed(quint64 requestId, const SchemaRegistryError &error);

private:
    using Handler = std::function<void(const QByteArray &body)>;
    using FailureHandler = std::function<void(const SchemaRegistryError &error)>;
    // A failure goes to onFailure when given, else out as failed(requestId, ...).
    void send(quint64 requestId, const QByteArray &verb, const QString &path, const QString &query,
              const QByteArray &body, Handler onSuccess, FailureHandler onFailure = {});
    QNetworkAccessManager *network();

    SchemaRegistrySettings m_settings;
    QNetworkAccessManager *m_network = nullptr; // made on first use, on the worker thread
};
