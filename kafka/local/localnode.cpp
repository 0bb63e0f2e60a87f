#include "local/localnode.h"

#include "local/localsecurity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>
#include <QUuid>

#include <signal.h>

namespace {

void writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0)
        throw LocalClusterError(LocalClusterError::Kind::Failed,
                                QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

QString readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

LocalNode::LocalNode(KafkaDistribution kafka, const QString &clusterDir, int id)
    : m_kafka(std::move(kafka)), m_id(id), m_dir(clusterDir + QStringLiteral("/node-") + QString::number(id))
{
}

QString LocalNode::logFile() const
{
    return m_dir + QStringLiteral("/logs/server.log");
}

bool LocalNode::isFormatted() const
{
    return QFileInfo::exists(m_dir + QStringLiteral("/data/meta.properties"));
}

void LocalNode::writeConfig(const QList<NodeAddress> &nodes, int heapMb, const LocalSecurity *security) const
{
    if (!QDir().mkpath(m_dir + QStringLiteral("/data")) || !QDir().mkpath(m_dir + QStringLiteral("/logs")))
        throw LocalClusterError(LocalClusterError::Kind::Failed, QStringLiteral("cannot create %1").arg(m_dir));
    QStringList voters;
    NodeAddress self;
    for (const NodeAddress &node : nodes) {
        voters << QStringLiteral("%1@127.0.0.1:%2").arg(node.id).arg(node.controllerPort);
        if (node.id == m_id)
            self = node;
    }
    // Replicated as widely as the cluster allows (3 at most), with one replica to spare for writes.
    const int replicas = int(qMin<qsizetype>(3, nodes.size()));
    const int minInSync = qMax(1, replicas - 1);
    QString listeners = QStringLiteral("PLAINTEXT://127.0.0.1:%1,CONTROLLER://127.0.0.1:%2").arg(self.port).arg(self.controllerPort);
    QString advertised = QStringLiteral("PLAINTEXT://127.0.0.1:%1").arg(self.port);
    QString protocols = QStringLiteral("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    const bool secured = security && self.saslPort && self.mtlsPort;
    if (secured) {
        const QString more = QStringLiteral(",SECURE://127.0.0.1:%1,MTLS://127.0.0.1:%2").arg(self.saslPort).arg(self.mtlsPort);
        listeners += more;
        advertised += more;
        protocols += QStringLiteral(",SECURE:SASL_SSL,MTLS:SSL");
    }
    QString properties = QStringLiteral(
        "# Written by Vigil at every start of its local cluster; edits are overwritten.\n"
        "process.roles=broker,controller\n"
        "node.id=%1\n"
        "controller.quorum.voters=%2\n"
        "listeners=%9\n"
        "advertised.listeners=%10\n"
        "controller.listener.names=CONTROLLER\n"
        "inter.broker.listener.name=PLAINTEXT\n"
        "listener.security.protocol.map=%11\n"
        "log.dirs=%5/data\n"
        "num.partitions=1\n"
        "default.replication.factor=%6\n"
        "offsets.topic.replication.factor=%6\n"
        "offsets.topic.num.partitions=8\n"
        "transaction.state.log.replication.factor=%6\n"
        "transaction.state.log.min.isr=%7\n"
        "transaction.state.log.num.partitions=8\n"
        "share.coordinator.state.topic.replication.factor=%6\n"
        "share.coordinator.state.topic.min.isr=%7\n"
        "# A console's first group is served at once, not after the default 3 s.\n"
        "group.initial.rebalance.delay.ms=0\n"
        "# Sized for a workstation: 2 network and 4 I/O threads, a 32 MB compaction buffer (default 128 MB).\n"
        "num.network.threads=2\n"
        "num.io.threads=4\n"
        "log.cleaner.dedupe.buffer.size=33554432\n"
        "log.retention.hours=168\n"
        "# The JVM heap: %8 MB.\n")
        .arg(m_id).arg(voters.join(u',')).arg(m_dir).arg(replicas).arg(minInSync).arg(heapMb)
        .arg(listeners, advertised, protocols);
    if (secured)
        properties += security->serverProperties();
    writeFile(propertiesFile(), properties);
    writeFile(m_dir + QStringLiteral("/log4j2.properties"), QStringLiteral(
        "status = warn\n"
        "appender.server.type = RollingFile\n"
        "appender.server.name = server\n"
        "appender.server.fileName = %1/logs/server.log\n"
        "appender.server.filePattern = %1/logs/server.log.%i\n"
        "appender.server.layout.type = PatternLayout\n"
        "appender.server.layout.pattern = [%d] %p %m (%c)%n\n"
        "appender.server.policies.type = Policies\n"
        "appender.server.policies.size.type = SizeBasedTriggeringPolicy\n"
        "appender.server.policies.size.size = 20MB\n"
        "appender.server.strategy.type = DefaultRolloverStrategy\n"
        "appender.server.strategy.max = 3\n"
        "rootLogger.level = INFO\n"
        "rootLogger.appenderRef.server.ref = server\n"
        "logger.request.name = kafka.request.logger\n"
        "logger.request.level = WARN\n").arg(m_dir));
}

void LocalNode::format(const QString &clusterId, const QString &scramCredential) const
{
    QStringList scram;
    if (!scramCredential.isEmpty())
        scram = {QStringLiteral("--add-scram"), scramCredential};
    QProcess tool;
    tool.setProcessChannelMode(QProcess::MergedChannels);
    tool.setStandardInputFile(QProcess::nullDevice());
    // A short-lived JVM: quick start-up matters more than peak speed.
    tool.start(m_kafka.java, QStringList{QStringLiteral("-Xmx256m"), QStringLiteral("-XX:TieredStopAtLevel=1"),
                              QStringLiteral("-XX:+UseSerialGC"), QStringLiteral("-Djava.awt.headless=true"),
                              QStringLiteral("-cp"), m_kafka.libsDir + QStringLiteral("/*"),
                              QStringLiteral("kafka.tools.StorageTool"), QStringLiteral("format"),
                              QStringLiteral("--cluster-id"), clusterId, QStringLiteral("--config"), propertiesFile()}
                                 + scram);
    const bool finished = tool.waitForFinished(120'000);
    const QString output = QString::fromLocal8Bit(tool.readAll()).trimmed();
    if (!finished || tool.exitStatus() != QProcess::NormalExit || tool.exitCode() != 0) {
        tool.kill();
        throw LocalClusterError(LocalClusterError::Kind::Failed,
                                QStringLiteral("formatting node %1 in %2 failed: %3").arg(m_id).arg(m_dir, output.right(1500)));
    }
}

qint64 LocalNode::start(int heapMb) const
{
    QProcess jvm;
    jvm.setProgram(m_kafka.java);
    // Kafka's own JVM defaults (kafka-run-class.sh) with a bounded heap.
    jvm.setArguments({QStringLiteral("-Xmx%1m").arg(heapMb), QStringLiteral("-Xms%1m").arg(qMin(heapMb, 128)),
                      QStringLiteral("-XX:+UseG1GC"), QStringLiteral("-XX:MaxGCPauseMillis=20"),
                      QStringLiteral("-XX:InitiatingHeapOccupancyPercent=35"), QStringLiteral("-XX:+ExplicitGCInvokesConcurrent"),
                      QStringLiteral("-Djava.awt.headless=true"), QStringLiteral("-Dkafka.logs.dir=%1/logs").arg(m_dir),
                      QStringLiteral("-Dlog4j2.configurationFile=%1/log4j2.properties").arg(m_dir),
                      QStringLiteral("-cp"), m_kafka.libsDir + QStringLiteral("/*"), QStringLiteral("kafka.Kafka"),
                      propertiesFile()});
    jvm.setWorkingDirectory(m_dir);
    jvm.setStandardInputFile(QProcess::nullDevice());
    jvm.setStandardOutputFile(m_dir + QStringLiteral("/logs/kafka.out"), QIODevice::Append);
    jvm.setStandardErrorFile(m_dir + QStringLiteral("/logs/kafka.out"), QIODevice::Append);
    qint64 pid = 0;
    if (!jvm.startDetached(&pid) || pid <= 0)
        throw LocalClusterError(LocalClusterError::Kind::Failed,
                                QStringLiteral("cannot start %1 for node %2: %3").arg(m_kafka.java).arg(m_id).arg(jvm.errorString()));
    return pid;
}

bool LocalNode::processAlive(qint64 pid)
{
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    // A zombie is gone: nobody may reap an orphan in a container without an init.
    const QString stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype close = stat.lastIndexOf(u')');
    return close < 0 || stat.mid(close + 2, 1) != u"Z";
}

bool LocalNode::isRunning(qint64 pid) const
{
    if (!processAlive(pid))
        return false;
    const QString command = readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return command.isEmpty() || (command.contains(u"kafka.Kafka") && command.contains(propertiesFile()));
}

QString LocalNode::logTail(int lines) const
{
    for (const QString &path : {logFile(), m_dir + QStringLiteral("/logs/kafka.out")}) {
        const QStringList all = readFile(path).trimmed().split(u'\n');
        if (!all.value(0).isEmpty())
            return all.mid(qMax<qsizetype>(0, all.size() - lines)).join(u'\n');
    }
    return {};
}

void LocalNode::stopAll(const QList<qint64> &pids, int deadlineMs)
{
    for (qint64 pid : pids)
        if (processAlive(pid))
            ::kill(pid_t(pid), SIGTERM);
    QDeadlineTimer deadline(deadlineMs);
    const auto anyAlive = [&pids] { return std::any_of(pids.begin(), pids.end(), processAlive); };
    while (anyAlive() && !deadline.hasExpired())
        QThread::msleep(100);
    for (qint64 pid : pids)
        if (processAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    QDeadlineTimer killed(5'000);
    while (anyAlive() && !killed.hasExpired())
        QThread::msleep(50);
}
