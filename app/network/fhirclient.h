#pragma once

#include <QByteArray>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

// Where a FHIR server's REST API is and how to log in to it.
struct FhirServerAccess {
    QUrl base;                // https://ehr.example.org/fhir; empty: taken from an absolute reference
    QByteArray authorization; // the Authorization header's value ("Bearer …", "Basic …"); empty for none
    std::optional<QSslConfiguration> tls; // CA, client certificate; the system's when unset
    int timeoutMs = 30'000;

    static QByteArray bearer(const QString &token);
    static QByteArray basic(const QString &user, const QString &password);
};

// One answer of the FHIR server.
struct FhirReply {
    int status = 0;        // HTTP status; 0 when no answer came (unreachable, TLS, timeout)
    QByteArray body;
    QString error;         // what went wrong, for people; empty on success
    int retryAfterMs = -1; // the Retry-After header (seconds or an HTTP date), -1 when absent
    bool ok() const { return status >= 200 && status < 300; }
};

// GETs from a FHIR server's REST API with its credentials, asynchronously: it never blocks the
// thread it lives on, and each answer comes to the callback on that thread.
class FhirClient final : public QObject {
    Q_OBJECT
public:
    explicit FhirClient(FhirServerAccess access, QObject *parent = nullptr);

    const FhirServerAccess &access() const { return m_access; }
    // A reference as a URL: absolute ones as they are, relative ones ("Observation/1") under the base.
    QUrl resolve(const QString &reference) const;
    void get(const QUrl &url, std::function<void(const FhirReply &)> done);

private:
    FhirServerAccess m_access;
    QNetworkAccessManager *m_network;
};

// A Retry-After header as milliseconds from now: delay-seconds or an HTTP date; -1 when unreadable.
int retryAfterMs(const QByteArray &header);
