#include "network/fhirclient.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

QByteArray FhirServerAccess::bearer(const QString &token)
{
    return "Bearer " + token.toUtf8();
}

QByteArray FhirServerAccess::basic(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

int retryAfterMs(const QByteArray &header)
{
    const QByteArray text = header.trimmed();
    if (text.isEmpty())
        return -1;
    bool number = false;
    const int seconds = text.toInt(&number);
    if (number)
        return seconds < 0 ? -1 : seconds * 1000;
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(text), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return int(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when)));
}

FhirClient::FhirClient(FhirServerAccess access, QObject *parent)
    : QObject(parent), m_access(std::move(access)), m_network(new QNetworkAccessManager(this))
{
}

QUrl FhirClient::resolve(const QString &reference) const
{
    const QUrl url(reference);
    if (url.isRelative() && m_access.base.isValid()) {
        QString base = m_access.base.toString();
        if (!base.endsWith(u'/'))
            base += u'/';
        return QUrl(base).resolved(url);
    }
    return url;
}

void FhirClient::get(const QUrl &url, std::function<void(const FhirReply &)> done)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/fhir+json");
    if (!m_access.authorization.isEmpty())
        request.setRawHeader("Authorization", m_access.authorization);
    if (m_access.tls)
        request.setSslConfiguration(*m_access.tls);
    request.setTransferTimeout(m_access.timeoutMs);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        FhirReply answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.retryAfterMs = retryAfterMs(reply->rawHeader("Retry-After"));
        if (answer.status == 0)
            answer.error = reply->errorString();
        else if (!answer.ok())
            answer.error = QStringLiteral("HTTP %1 %2")
                               .arg(answer.status)
                               .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        done(answer);
    });
}
