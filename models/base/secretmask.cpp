#include "base/secretmask.h"

#include <QRegularExpression>

namespace SecretMask {

bool isSecretProperty(const QString &key)
{
    static const QRegularExpression secret(QStringLiteral("(password|passwd|secret|token|private\\.key|key\\.pem|jaas\\.config)$"),
                                           QRegularExpression::CaseInsensitiveOption);
    return secret.match(key.trimmed()).hasMatch();
}

QString masked(const QString &text)
{
    static const QRegularExpression urlPassword(QStringLiteral("(\\w[\\w+.-]*://[^/\\s:@\"']*:)[^@/\\s\"']*@"));
    static const QRegularExpression property(
        QStringLiteral("(\\b[\\w.-]*(?:password|passwd|secret|token|private\\.key|key\\.pem|jaas\\.config)\\s*[=:]\\s*\"?)[^\\s\",;&]+"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bearer(QStringLiteral("(\\bBearer\\s+)\\S+"), QRegularExpression::CaseInsensitiveOption);
    const QString replacement = QStringLiteral("\\1") + QString::fromUtf16(Mask);
    QString result = text;
    result.replace(urlPassword, replacement + QStringLiteral("@"));
    result.replace(property, replacement);
    result.replace(bearer, replacement);
    return result;
}

} // namespace SecretMask
