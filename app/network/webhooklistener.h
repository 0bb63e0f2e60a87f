#pragma once

#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

class QTcpSocket;

// The webhook's listening socket, TLS when configured. Each connection gets a guard that reads the
// request's headers before Qt HttpServer does and refuses a body over the limit at once (413, or 431
// for headers over 64 KiB), without buffering it: Qt HttpServer 6.4 reads a whole request, however
// large, before its handler sees it.
class WebhookListener final : public QTcpServer {
    Q_OBJECT
public:
    static constexpr qint64 MaxHeaderBytes = 64 * 1024;

    WebhookListener(qint64 maxBodyBytes, std::optional<QSslConfiguration> tls, QObject *parent = nullptr);

    // The request on `socket` has been answered: the guard counts the next one from zero.
    static void answered(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    qint64 m_maxBodyBytes;
    std::optional<QSslConfiguration> m_tls;
};

// An OperationOutcome with one issue, as FHIR servers answer errors. `code` is the issue type
// ("invalid", "too-long", "security", "transient", "not-supported", "informational").
QByteArray operationOutcome(const char *severity, const char *code, const QString &diagnostics);
