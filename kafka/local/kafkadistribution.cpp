#include "local/kafkadistribution.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

LocalClusterError::LocalClusterError(Kind kind, const QString &message, const QString &fix)
    : std::runtime_error(message.toStdString()), m_kind(kind), m_fix(fix)
{
}

QString KafkaDistribution::defaultVersion()
{
    const QString chosen = qEnvironmentVariable("VIGIL_KAFKA_VERSION");
    return chosen.isEmpty() ? QStringLiteral("4.1.2") : chosen;
}

QString KafkaDistribution::cacheLibsDir(const QString &version)
{
    QString root = qEnvironmentVariable("VIGIL_KAFKA_CACHE");
    if (root.isEmpty()) {
        const QString xdg = qEnvironmentVariable("XDG_CACHE_HOME");
        root = (xdg.isEmpty() ? QDir::homePath() + QStringLiteral("/.cache") : xdg) + QStringLiteral("/vigil");
    }
    return root + QStringLiteral("/kafka-") + version + QStringLiteral("/libs");
}

int KafkaDistribution::javaMajorFrom(const QString &versionLine)
{
    static const QRegularExpression pattern(QStringLiteral(R"(version "(\d+)(?:\.(\d+))?)"));
    const QRegularExpressionMatch match = pattern.match(versionLine);
    if (!match.hasMatch())
        return 0;
    const int first = match.captured(1).toInt();
    return first == 1 ? match.captured(2).toInt() : first; // "1.8" is Java 8
}

KafkaDistribution KafkaDistribution::find()
{
    const QString installJava = QStringLiteral("sudo apt-get install openjdk-17-jre-headless");
    KafkaDistribution found;
    found.version = defaultVersion();
    found.java = QStandardPaths::findExecutable(QStringLiteral("java"));
    if (found.java.isEmpty())
        throw LocalClusterError(LocalClusterError::Kind::MissingJava,
                                QStringLiteral("Java is not installed; the local Apache Kafka cluster needs Java 17 or newer."),
                                installJava);
    QProcess probe;
    probe.setProcessChannelMode(QProcess::MergedChannels);
    probe.start(found.java, {QStringLiteral("-version")});
    probe.waitForFinished(20'000);
    const QString firstLine = QString::fromLocal8Bit(probe.readAll()).section(u'\n', 0, 0);
    found.javaMajor = javaMajorFrom(firstLine);
    if (found.javaMajor < 17)
        throw LocalClusterError(LocalClusterError::Kind::MissingJava,
                                QStringLiteral("%1 is Java %2 (\"%3\"); Apache Kafka %4 needs Java 17 or newer.")
                                    .arg(found.java, found.javaMajor ? QString::number(found.javaMajor) : QStringLiteral("of unknown version"),
                                         firstLine.trimmed(), found.version),
                                installJava);

    found.libsDir = cacheLibsDir(found.version);
    if (!QFileInfo::exists(found.libsDir + QStringLiteral("/.complete")))
        throw LocalClusterError(LocalClusterError::Kind::MissingKafka,
                                QStringLiteral("Apache Kafka %1 is not fetched yet (looked in %2).").arg(found.version, found.libsDir),
                                QStringLiteral("packaging/quickstart demo (or tests/realkafka/fetch-kafka)"));
    return found;
}
