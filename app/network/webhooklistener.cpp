#include "network/webhooklistener.h"

#include <QSslSocket>
#include <QTimer>

#include <nlohmann/json.hpp>

namespace {

constexpr int DrainBeforeCloseMs = 1000;

// Counts one request's bytes as they arrive, ahead of Qt HttpServer's parser.
class BodyGuard final : public QObject {
public:
    BodyGuard(QTcpSocket *socket, qint64 maxBodyBytes) : QObject(socket), m_socket(socket), m_max(maxBodyBytes)
    {
        setObjectName(QStringLiteral("vigil-body-guard"));
        connect(socket, &QTcpSocket::readyRead, this, &BodyGuard::inspect);
    }

    void reset()
    {
        m_header.clear();
        m_headerEnd = -1;
        m_received = 0;
    }

private:
    void inspect()
    {
        const qint64 fresh = m_socket->bytesAvailable(); // not read yet: what the parser takes next
        if (m_headerEnd < 0 && m_header.size() < WebhookListener::MaxHeaderBytes + 4) {
            m_header += m_socket->peek(std::min<qint64>(fresh, WebhookListener::MaxHeaderBytes + 4 - m_header.size()));
            m_headerEnd = m_header.indexOf("\r\n\r\n");
            if (m_headerEnd >= 0 && contentLength() > m_max) {
                refuse("413 Payload Too Large",
                       tr("the body is %1 bytes; this webhook takes at most %2").arg(contentLength()).arg(m_max));
                return;
            }
            if (m_headerEnd < 0 && m_header.size() > WebhookListener::MaxHeaderBytes) {
                refuse("431 Request Header Fields Too Large",
                       tr("the request's headers are over %1 bytes").arg(WebhookListener::MaxHeaderBytes));
                return;
            }
        }
        m_received += fresh;
        if (m_headerEnd >= 0 && m_received - (m_headerEnd + 4) > m_max) // chunked, or longer than it said
            refuse("413 Payload Too Large", tr("the body is over %1 bytes, the most this webhook takes").arg(m_max));
    }

    qint64 contentLength() const
    {
        for (const QByteArray &line : m_header.left(m_headerEnd).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed().toLongLong();
        }
        return 0;
    }

    // Answers at once and stops Qt HttpServer from reading the rest; what is still coming is read and
    // dropped for a moment, so the client sees the answer before the connection closes.
    void refuse(const char *status, const QString &why)
    {
        QObject::disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        const QByteArray body = operationOutcome("error", "too-long", why);
        m_socket->write(QByteArray("HTTP/1.1 ") + status + "\r\nContent-Type: application/fhir+json\r\nContent-Length: "
                        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        QTcpSocket *socket = m_socket;
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
        socket->skip(socket->bytesAvailable());
        QTimer::singleShot(DrainBeforeCloseMs, socket, [socket] { socket->disconnectFromHost(); });
    }

    QTcpSocket *m_socket;
    qint64 m_max;
    QByteArray m_header;
    qsizetype m_headerEnd = -1;
    qint64 m_received = 0;
};

} // namespace

QByteArray operationOutcome(const char *severity, const char *code, const QString &diagnostics)
{
    const nlohmann::json outcome = {
        {"resourceType", "OperationOutcome"},
        {"issue", {{{"severity", severity}, {"code", code}, {"diagnostics", diagnostics.toStdString()}}}},
    };
    return QByteArray::fromStdString(outcome.dump());
}

WebhookListener::WebhookListener(qint64 maxBodyBytes, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes), m_tls(std::move(tls))
{
}

void WebhookListener::answered(QTcpSocket *socket)
{
    if (auto *guard = socket->findChild<BodyGuard *>(QStringLiteral("vigil-body-guard"), Qt::FindDirectChildrenOnly))
        guard->reset();
}

void WebhookListener::incomingConnection(qintptr handle)
{
    if (!m_tls) {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        new BodyGuard(socket, m_maxBodyBytes); // before Qt HttpServer connects its reader
        addPendingConnection(socket);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    socket->setSslConfiguration(*m_tls);
    new BodyGuard(socket, m_maxBodyBytes);
    connect(socket, &QSslSocket::encrypted, this, [this, socket] { addPendingConnection(socket); });
    connect(socket, &QSslSocket::errorOccurred, socket, [socket](QAbstractSocket::SocketError) {
        if (!socket->isEncrypted())
            socket->deleteLater(); // a failed handshake: never handed over
    });
    socket->startServerEncryption();
}
