#include "base/propertiesfile.h"

#include <QFile>
#include <QRegularExpression>

#include <stdexcept>

QList<QPair<QString, QString>> readPropertiesFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw std::runtime_error(path.toStdString() + ": " + file.errorString().toStdString());
    QList<QPair<QString, QString>> properties;
    int lineNumber = 0;
    QString pending;
    while (!file.atEnd()) {
        ++lineNumber;
        QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (pending.isEmpty() && (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u'!')))
            continue;
        if (line.endsWith(u'\\')) {
            pending += line.chopped(1);
            continue;
        }
        line = pending + line;
        pending.clear();
        const qsizetype separator = line.indexOf(QRegularExpression(QStringLiteral("[=:]")));
        if (separator <= 0)
            throw std::runtime_error(path.toStdString() + ':' + std::to_string(lineNumber) + ": expected key=value");
        properties.append({line.left(separator).trimmed(), line.mid(separator + 1).trimmed()});
    }
    return properties;
}
