#include "network/schemaregistryclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace {
QString encoded(const QString &segment) { return QString::fromUtf8(QUrl::toPercentEncoding(segment)); }

QByteArray schemaBody(const QString &schema)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("schema"), schema}}).toJson(QJsonDocument::Compact);
}
} // namespace

namespace {
// GET /config answers {"compatibilityLevel": ...}; some registries say "compatibility".
QString compatibilityLevelIn(const QByteArray &body)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QString level = json.value(QStringLiteral("compatibilityLevel")).toString();
    return level.isEmpty() ? json.value(QStringLiteral("compatibility")).toString() : level;
}
} // namespace

QString schemaRegistryMeaning(int httpStatus, int errorCode)
{
    switch (errorCode) {
    case 40401: return QStringLiteral("subject not found");
    case 40402: return QStringLiteral("version not found");
    case 40403: return QStringLiteral("schema not found");
    case 42201: return QStringLiteral("invalid schema: the registry cannot parse it");
    case 42202: return QStringLiteral("invalid version");
    case 42203: return QStringLiteral("invalid compatibility level");
    case 50001: return QStringLiteral("the registry's storage failed");
    case 50002: return QStringLiteral("the registry timed out");
    case 50003: return QStringLiteral("the registry could not forward the request to its leader");
    default: break;
    }
    switch (httpStatus) {
    case 0: return QStringLiteral("registry unreachable");
    case 401: return QStringLiteral("not authorised: check the registry user and password");
    case 403: return QStringLiteral("forbidden: this user may not do that");
    case 404: return QStringLiteral("not found");
    case 409: return QStringLiteral("incompatible: the subject's compatibility level refuses this schema");
    case 422: return QStringLiteral("unprocessable: the registry refused the request as invalid");
    default: break;
    }
    if (httpStatus >= 500)
        return QStringLiteral("the registry failed (HTTP %1)").arg(httpStatus);
    return QStringLiteral("unexpected answer (HTTP %1)").arg(httpStatus);
}

SchemaRegistryClient::SchemaRegistryClient(SchemaRegistrySettings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings))
{
    qRegisterMetaType<SchemaRegistryError>();
    qRegisterMetaType<RegistrySchema>();
}

SchemaRegistryClient::~SchemaRegistryClient() = default;

QNetworkAccessManager *SchemaRegistryClient::network()
{
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    return m_network;
}

void SchemaRegistryClient::send(quint64 requestId, const QByteArray &verb, const QString &path, const QString &query,
                                const QByteArray &body, Handler onSuccess, FailureHandler onFailure)
{
    QUrl url = m_settings.url;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path, QUrl::StrictMode);
    if (!query.isEmpty())
        url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/vnd.schemaregistry.v1+json, application/json");
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/vnd.schemaregistry.v1+json"));
    if (!m_settings.user.isEmpty())
        request.setRawHeader("Authorization",
                             "Basic " + (m_settings.user + u':' + m_settings.password).toUtf8().toBase64());
    if (m_settings.tls)
        request.setSslConfiguration(*m_settings.tls);
    request.setTransferTimeout(m_settings.timeoutMs);
    QNetworkReply *reply = network()->sendCustomRequest(request, verb, body);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, requestId, onSuccess = std::move(onSuccess), onFailure = std::move(onFailure)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        if (status >= 200 && status < 300) {
            onSuccess(answer);
            return;
        }
        SchemaRegistryError error;
        error.httpStatus = status;
        const QJsonObject json = QJsonDocument::fromJson(answer).object();
        error.errorCode = json.value(QStringLiteral("error_code")).toInt();
        error.message = json.value(QStringLiteral("message")).toString();
        if (status == 0)
            error.message = reply->errorString();
        error.meaning = reply->error() == QNetworkReply::SslHandshakeFailedError
                            ? QStringLiteral("TLS handshake with the registry failed (is its certificate trusted?)")
                            : schemaRegistryMeaning(status, error.errorCode);
        if (status == 0)
            error.meaning += QStringLiteral(": ") + reply->errorString();
        if (onFailure)
            onFailure(error);
        else
            emit failed(requestId, error);
    });
}

void SchemaRegistryClient::fetchSubjects(quint64 requestId)
{
    send(requestId, "GET", QStringLiteral("/subjects"), {}, {}, [this, requestId](const QByteArray &body) {
        QStringList subjects;
        for (const auto &s : QJsonDocument::fromJson(body).array())
            subjects << s.toString();
        emit subjectsReady(requestId, subjects);
    });
}

void SchemaRegistryClient::fetchVersions(quint64 requestId, const QString &subject)
{
    send(requestId, "GET", QStringLiteral("/subjects/%1/versions").arg(encoded(subject)), {}, {},
         [this, requestId, subject](const QByteArray &body) {
             QList<int> versions;
             for (const auto &v : QJsonDocument::fromJson(body).array())
                 versions << v.toInt();
             emit versionsReady(requestId, subject, versions);
         });
}

void SchemaRegistryClient::fetchSchema(quint64 requestId, const QString &subject, const QString &version)
{
    send(requestId, "GET", QStringLiteral("/subjects/%1/versions/%2").arg(encoded(subject), encoded(version)), {}, {},
         [this, requestId](const QByteArray &body) {
             const QJsonObject json = QJsonDocument::fromJson(body).object();
             emit schemaReady(requestId, RegistrySchema{json.value(QStringLiteral("subject")).toString(),
                                                        json.value(QStringLiteral("version")).toInt(),
                                                        json.value(QStringLiteral("id")).toInt(),
                                                        json.value(QStringLiteral("schema")).toString()});
         });
}

void SchemaRegistryClient::fetchSchemaById(quint64 requestId, int id)
{
    send(requestId, "GET", QStringLiteral("/schemas/ids/%1").arg(id), {}, {}, [this, requestId, id](const QByteArray &body) {
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        emit schemaReady(requestId, RegistrySchema{{}, 0, id, json.value(QStringLiteral("schema")).toString()});
    });
}

void SchemaRegistryClient::fetchCompatibilityLevel(quint64 requestId, const QString &subject)
{
    const QString path = subject.isEmpty() ? QStringLiteral("/config") : QStringLiteral("/config/") + encoded(subject);
    // Without defaultToGlobal a subject with no level of its own answers 404 40408 on newer registries.
    send(requestId, "GET", path, subject.isEmpty() ? QString() : QStringLiteral("defaultToGlobal=true"), {},
         [this, requestId, subject](const QByteArray &body) {
             emit compatibilityLevelReady(requestId, subject, compatibilityLevelIn(body));
         });
}

void SchemaRegistryClient::checkCompatibility(quint64 requestId, const QString &subject, const QString &version,
                                              const QString &schema)
{
    const QString path = version.isEmpty()
        ? QStringLiteral("/compatibility/subjects/%1/versions").arg(encoded(subject))
        : QStringLiteral("/compatibility/subjects/%1/versions/%2").arg(encoded(subject), encoded(version));
    send(requestId, "POST", path, QStringLiteral("verbose=true"), schemaBody(schema),
         [this, requestId, subject](const QByteArray &body) {
             const QJsonObject json = QJsonDocument::fromJson(body).object();
             QStringList messages;
             for (const auto &m : json.value(QStringLiteral("messages")).toArray())
                 messages << m.toString();
             emit compatibilityChecked(requestId, subject, json.value(QStringLiteral("is_compatible")).toBool(), messages);
         });
}

void SchemaRegistryClient::registerSchema(quint64 requestId, const QString &subject, const QString &schema)
{
    send(requestId, "POST", QStringLiteral("/subjects/%1/versions").arg(encoded(subject)), {}, schemaBody(schema),
         [this, requestId, subject](const QByteArray &body) {
             emit registered(requestId, subject, QJsonDocument::fromJson(body).object().value(QStringLiteral("id")).toInt());
         });
}

namespace {
// One catalog fetch in flight: what has come back, and how many answers are still awaited.
struct CatalogFetch {
    std::vector<CatalogEntry> entries;
    QHash<QString, QString> levels;
    QStringList problems;
    int pending = 0;
};
} // namespace

void SchemaRegistryClient::fetchCatalog(quint64 requestId)
{
    send(requestId, "GET", QStringLiteral("/subjects"), {}, {}, [this, requestId](const QByteArray &body) {
        auto fetch = std::make_shared<CatalogFetch>();
        const auto finishOne = [this, requestId, fetch] {
            if (--fetch->pending == 0)
                emit catalogFetched(requestId, SchemaCatalog::fromRegistry(std::move(fetch->entries), fetch->levels),
                                    fetch->problems);
        };
        const auto problem = [fetch, finishOne](const QString &subject) {
            return [fetch, finishOne, subject](const SchemaRegistryError &error) {
                fetch->problems << subject + QStringLiteral(": ") + error.meaning;
                finishOne();
            };
        };
        const QJsonArray subjects = QJsonDocument::fromJson(body).array();
        if (subjects.isEmpty()) {
            emit catalogFetched(requestId, SchemaCatalog(), {});
            return;
        }
        fetch->pending = int(subjects.size()) * 2; // versions and level of each
        for (const auto &value : subjects) {
            const QString subject = value.toString();
            send(requestId, "GET", QStringLiteral("/subjects/%1/versions").arg(encoded(subject)), {}, {},
                 [this, requestId, fetch, subject, finishOne, problem](const QByteArray &answer) {
                     const QJsonArray versions = QJsonDocument::fromJson(answer).array();
                     fetch->pending += int(versions.size());
                     for (const auto &version : versions) {
                         send(requestId, "GET",
                              QStringLiteral("/subjects/%1/versions/%2").arg(encoded(subject)).arg(version.toInt()), {}, {},
                              [fetch, finishOne](const QByteArray &schemaAnswer) {
                                  const QJsonObject json = QJsonDocument::fromJson(schemaAnswer).object();
                                  fetch->entries.push_back({json.value(QStringLiteral("subject")).toString(),
                                                            json.value(QStringLiteral("version")).toInt(),
                                                            json.value(QStringLiteral("id")).toInt(),
                                                            json.value(QStringLiteral("schema")).toString(), {}});
                                  finishOne();
                              },
                              problem(subject));
                     }
                     finishOne();
                 },
                 problem(subject));
            send(requestId, "GET", QStringLiteral("/config/") + encoded(subject), QStringLiteral("defaultToGlobal=true"), {},
                 [fetch, subject, finishOne](const QByteArray &answer) {
                     fetch->levels.insert(subject, compatibilityLevelIn(answer));
                     finishOne();
                 },
                 problem(subject));
        }
    });
}
