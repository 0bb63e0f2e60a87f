#pragma once

// What the FHIR ingest tests share: HTTP through Qt Network (a FHIR server's requests to the webhook,
// the test's own to the FHIR server), the test FHIR server of the FhirServer ctest fixture, and
// reading back what reached Kafka.
#include "clustertesting.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTimer>

namespace IngestTesting {

using nlohmann::json;

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QByteArray retryAfter;
    QString error;
};

inline HttpAnswer request(QNetworkAccessManager &network, const QByteArray &verb, const QUrl &url, const QByteArray &body,
                          const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 60'000,
                          const std::optional<QSslConfiguration> &tls = std::nullopt)
{
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (tls)
        request.setSslConfiguration(*tls);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.retryAfter = reply->rawHeader("Retry-After");
    if (reply->error() != QNetworkReply::NoError)
        answer.error = reply->errorString();
    reply->deleteLater();
    return answer;
}

// The FhirServer fixture's base URL, empty when it did not start (the test then skips with why).
inline QUrl fhirServerBase()
{
    QFile file(QStringLiteral(VIGIL_FHIRSERVER_STATE_DIR "/baseurl"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QUrl(QString::fromUtf8(file.readAll()).trimmed());
}

inline QUrl under(const QUrl &base, const QString &path)
{
    return QUrl(base.toString() + u'/' + path);
}

// Creates (POST) or updates (PUT, with an id) a resource on the test FHIR server; returns it as stored.
inline json store(QNetworkAccessManager &network, const QUrl &base, json resource)
{
    const QString type = QString::fromStdString(resource["resourceType"].get<std::string>());
    const bool update = resource.contains("id");
    const QUrl url = under(base, update ? type + u'/' + QString::fromStdString(resource["id"].get<std::string>()) : type);
    const HttpAnswer answer = request(network, update ? "PUT" : "POST", url, QByteArray::fromStdString(resource.dump()),
                                      {{"Content-Type", "application/fhir+json"}, {"Accept", "application/fhir+json"},
                                       {"Prefer", "return=representation"}});
    if (answer.status != 200 && answer.status != 201)
        throw std::runtime_error("the FHIR server did not store " + type.toStdString() + ": "
                                 + std::to_string(answer.status) + ' ' + answer.body.left(300).toStdString());
    return json::parse(answer.body.toStdString());
}

inline json labResult(const std::string &patient, double value)
{
    return {{"resourceType", "Observation"},
            {"status", "final"},
            {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "2823-3"}}}}}},
            {"subject", {{"reference", "Patient/" + patient}}},
            {"valueQuantity", {{"value", value}, {"unit", "mmol/L"}, {"system", "http://unitsofmeasure.org"}, {"code", "mmol/L"}}}};
}

// Each committed envelope of `topics` whose fhir_resource id satisfies `ours`, from the start.
inline QList<json> envelopes(const ClusterTesting::TestCluster &cluster, const QStringList &topics,
                             const std::function<bool(const std::string &id)> &ours)
{
    QList<json> found;
    for (const QString &topic : topics) {
        for (const KafkaRecord &record : ClusterTesting::readTopic(cluster, topic)) {
            json envelope = json::parse(record.value.toStdString(), nullptr, false);
            if (!envelope.is_object() || !envelope.contains("resource_id") || !envelope["resource_id"].is_string())
                continue;
            if (!ours(envelope["resource_id"].get<std::string>()))
                continue;
            envelope["_topic"] = record.topic.toStdString();
            envelope["_key"] = record.key.toStdString();
            found.append(envelope);
        }
    }
    return found;
}

inline QStringList allInputTopics()
{
    return {QStringLiteral("healthcare.adt.events"), QStringLiteral("healthcare.labs.results"),
            QStringLiteral("healthcare.medications.orders"), QStringLiteral("healthcare.fhir.other")};
}

} // namespace IngestTesting
