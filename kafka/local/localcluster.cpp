#include "local/localcluster.h"

#include "local/localsecurity.h"

#include "client/kafkahandles.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QThread>
#include <QUuid>

#include <librdkafka/rdkafka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

namespace {

using Kind = LocalClusterError::Kind;

LocalClusterError failure(const QString &message)
{
    return LocalClusterError(Kind::Failed, message);
}

// What cluster.lock holds while the cluster runs.
struct RunState {
    QString bootstrap;
    qint64 ownerPid = 0;
    bool ownerIsBroker = false;
    QMap<int, qint64> nodePids; // 0: stopped (a drill)
    QStringList users;          // "PID/token" of each LocalCluster using it, the owner's among them
};

qint64 pidOf(const QString &user)
{
    return user.section(u'/', 0, 0).toLongLong();
}

std::optional<QJsonObject> readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    if (!document.isObject())
        return std::nullopt; // a torn or foreign file counts as absent: the processes decide
    return document.object();
}

void writeJson(const QString &path, const QJsonObject &object)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(object).toJson()) < 0 || !file.commit())
        throw failure(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

std::optional<RunState> readState(const QString &path)
{
    const auto json = readJson(path);
    if (!json)
        return std::nullopt;
    RunState state;
    state.bootstrap = json->value(u"bootstrap").toString();
    state.ownerPid = json->value(u"owner").toObject().value(u"pid").toInteger();
    state.ownerIsBroker = json->value(u"owner").toObject().value(u"role").toString() == u"broker";
    for (const QJsonValue &node : json->value(u"nodes").toArray())
        state.nodePids[node[u"id"].toInt()] = node[u"pid"].toInteger();
    for (const QJsonValue &user : json->value(u"users").toArray())
        state.users << user.toString();
    return state;
}

void writeState(const QString &path, const RunState &state)
{
    QJsonArray nodes;
    for (auto it = state.nodePids.begin(); it != state.nodePids.end(); ++it)
        nodes.append(QJsonObject{{QStringLiteral("id"), it.key()}, {QStringLiteral("pid"), it.value()}});
    const QJsonArray users = QJsonArray::fromStringList(state.users);
    writeJson(path, {{QStringLiteral("bootstrap"), state.bootstrap},
                     {QStringLiteral("owner"), QJsonObject{{QStringLiteral("pid"), state.ownerPid},
                                                           {QStringLiteral("role"), state.ownerIsBroker ? QStringLiteral("broker")
                                                                                                        : QStringLiteral("console")}}},
                     {QStringLiteral("nodes"), nodes},
                     {QStringLiteral("users"), users}});
}

// Held while a process changes the cluster (starts, stops, joins, leaves); a lock whose process is
// gone is taken over. A second console waits here while the first one starts the cluster.
class ChangeLock {
public:
    ChangeLock(const QString &dir, int waitMs) : m_lock(dir + QStringLiteral("/.changing"))
    {
        m_lock.setStaleLockTime(0); // stale only when its process is gone
        if (!m_lock.tryLock(waitMs)) {
            qint64 pid = 0;
            QString host, application;
            m_lock.getLockInfo(&pid, &host, &application);
            throw failure(QStringLiteral("another Vigil (PID %1) has been changing the local cluster in %2 for %3 s")
                              .arg(pid).arg(dir).arg(waitMs / 1000));
        }
    }

private:
    QLockFile m_lock;
};

bool bindable(quint16 port, quint16 *bound = nullptr)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int yes = 1; // as the JVM's server sockets: a port in TIME_WAIT is free
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    if (ok && bound) {
        socklen_t length = sizeof address;
        ok = ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0;
        *bound = ntohs(address.sin_port);
    }
    ::close(fd);
    return ok;
}

// A free loopback port other than those in `taken`, asked from the OS.
quint16 freePort(const QList<quint16> &taken)
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        quint16 port = 0;
        if (bindable(0, &port) && port && !taken.contains(port))
            return port;
    }
    throw failure(QStringLiteral("no free TCP port on 127.0.0.1"));
}

QString newClusterId()
{
    // 16 random bytes, URL-safe base64 without padding, not starting with '-': what Kafka expects.
    for (;;) {
        const QString id = QString::fromLatin1(QUuid::createUuid().toRfc4122().toBase64(
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        if (!id.startsWith(u'-'))
            return id;
    }
}

// A quiet client for readiness: refused connections while the JVMs start are expected, not news.
RdKafkaPtr probeClient(const QString &bootstrap)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char error[512];
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.toUtf8().constData(), error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t *, int, const char *, const char *) {});
    rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "500", error, sizeof error);
    rd_kafka_t *handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!handle) {
        rd_kafka_conf_destroy(conf);
        throw failure(QStringLiteral("cannot create a client: %1").arg(QString::fromUtf8(error)));
    }
    return RdKafkaPtr(handle);
}

QString bootstrapOf(const QList<NodeAddress> &nodes)
{
    QStringList list;
    for (const NodeAddress &node : nodes)
        list << QStringLiteral("127.0.0.1:%1").arg(node.port);
    return list.join(u',');
}

qint64 self()
{
    return QCoreApplication::applicationPid();
}

} // namespace

LocalCluster::LocalCluster(KafkaDistribution kafka, LocalClusterOptions options)
    : m_kafka(std::move(kafka)), m_options(std::move(options)),
      m_user(QStringLiteral("%1/%2").arg(self()).arg(QUuid::createUuid().toString(QUuid::Id128).left(8)))
{
    if (m_options.nodes <= 0) { // as the directory was formatted, else one node
        const auto layout = m_options.dataDir.isEmpty() ? std::nullopt : readJson(m_options.dataDir + QStringLiteral("/layout.json"));
        m_options.nodes = layout ? qMax(1, int(layout->value(u"nodes").toArray().size())) : 1;
    }
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = defaultDataDir(m_options.nodes);
    m_options.dataDir = QDir(m_options.dataDir).absolutePath();
    for (int id = 1; id <= m_options.nodes; ++id)
        m_nodes.append(LocalNode(m_kafka, m_options.dataDir, id));
}

LocalCluster::~LocalCluster()
{
    try {
        release();
    } catch (const std::exception &) {
        // The cluster outlives this process then; the next start clears the lock.
    }
}

QString LocalCluster::defaultDataDir(int nodes)
{
    const QString xdg = qEnvironmentVariable("XDG_DATA_HOME");
    const QString root = xdg.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share") : xdg;
    return root + QStringLiteral("/Vigil/kafka/") + (nodes == 1 ? QStringLiteral("1-node") : QStringLiteral("%1-nodes").arg(nodes));
}

QString LocalCluster::lockPath() const
{
    return m_options.dataDir + QStringLiteral("/cluster.lock");
}

QString LocalCluster::runningBootstrap(const QString &dataDir)
{
    const auto state = readState(QDir(dataDir).absoluteFilePath(QStringLiteral("cluster.lock")));
    if (!state)
        return {};
    for (qint64 pid : state->nodePids)
        if (LocalNode::processAlive(pid))
            return state->bootstrap;
    return {};
}

QList<qint64> LocalCluster::runningNodePids(const QString &dataDir)
{
    QList<qint64> pids;
    const auto state = readState(QDir(dataDir).absoluteFilePath(QStringLiteral("cluster.lock")));
    for (qint64 pid : state.value_or(RunState{}).nodePids)
        if (LocalNode::processAlive(pid))
            pids << pid;
    return pids;
}

void LocalCluster::reset(const QString &dataDir)
{
    if (!runningBootstrap(dataDir).isEmpty())
        throw failure(QStringLiteral("the local cluster in %1 is running; stop the Vigil that uses it first").arg(dataDir));
    if (!QDir(dataDir).removeRecursively())
        throw failure(QStringLiteral("cannot delete %1").arg(dataDir));
}

void LocalCluster::loadOrCreateLayout(const Progress &progress)
{
    const QString path = m_options.dataDir + QStringLiteral("/layout.json");
    QString clusterId;
    m_addresses.clear();
    if (const auto layout = readJson(path)) {
        clusterId = layout->value(u"clusterId").toString();
        for (const QJsonValue &node : layout->value(u"nodes").toArray())
            m_addresses.append({node[u"id"].toInt(), quint16(node[u"port"].toInt()), quint16(node[u"controllerPort"].toInt()),
                                quint16(node[u"saslPort"].toInt()), quint16(node[u"mtlsPort"].toInt())});
        if (m_addresses.size() != m_options.nodes)
            throw failure(QStringLiteral("%1 holds a local cluster of %2 node(s), not %3: start it with --brokers %2, or "
                                         "give another --data-dir")
                              .arg(m_options.dataDir).arg(m_addresses.size()).arg(m_options.nodes));
    }
    if (clusterId.isEmpty()) {
        clusterId = newClusterId();
        m_addresses.clear();
        for (int id = 1; id <= m_options.nodes; ++id)
            m_addresses.append({id, 0, 0});
    }
    // Ports are kept from the last start while they are free, so kcat and scripts keep their address.
    QList<quint16> taken;
    bool changed = !QFile::exists(path);
    for (NodeAddress &node : m_addresses) {
        if (!m_options.secured) {
            changed = changed || node.saslPort || node.mtlsPort;
            node.saslPort = node.mtlsPort = 0;
        }
        for (quint16 *port : {&node.port, &node.controllerPort, &node.saslPort, &node.mtlsPort}) {
            if ((port == &node.saslPort || port == &node.mtlsPort) && !m_options.secured)
                continue;
            if (*port == 0 || taken.contains(*port) || !bindable(*port)) {
                *port = freePort(taken);
                changed = true;
            }
            taken << *port;
        }
    }
    if (changed) {
        QJsonArray nodes;
        for (const NodeAddress &node : m_addresses)
            nodes.append(QJsonObject{{QStringLiteral("id"), node.id}, {QStringLiteral("port"), node.port},
                                     {QStringLiteral("controllerPort"), node.controllerPort},
                                     {QStringLiteral("saslPort"), node.saslPort}, {QStringLiteral("mtlsPort"), node.mtlsPort}});
        writeJson(path, {{QStringLiteral("clusterId"), clusterId}, {QStringLiteral("version"), m_kafka.version},
                         {QStringLiteral("nodes"), nodes}});
    }
    const LocalSecurity security(m_options.dataDir);
    if (m_options.secured) {
        if (progress)
            progress(QStringLiteral("Making the secured listeners' certificates…"));
        security.prepare();
    }
    for (LocalNode &node : m_nodes) {
        node.writeConfig(m_addresses, m_options.heapMb, m_options.secured ? &security : nullptr);
        if (!node.isFormatted()) {
            if (progress)
                progress(QStringLiteral("First start: formatting the log directory of node %1 of %2…").arg(node.id()).arg(m_nodes.size()));
            node.format(clusterId, m_options.secured ? security.scramCredential() : QString());
        }
    }
    if (m_options.secured)
        security.writeClientProperties(saslBootstrap(), mtlsBootstrap());
}

QString LocalCluster::saslBootstrap() const
{
    QStringList servers;
    for (const NodeAddress &node : m_addresses) {
        if (node.saslPort)
            servers << QStringLiteral("127.0.0.1:%1").arg(node.saslPort);
    }
    return servers.join(u',');
}

QString LocalCluster::mtlsBootstrap() const
{
    QStringList servers;
    for (const NodeAddress &node : m_addresses) {
        if (node.mtlsPort)
            servers << QStringLiteral("127.0.0.1:%1").arg(node.mtlsPort);
    }
    return servers.join(u',');
}

QString LocalCluster::securedDir() const
{
    return saslBootstrap().isEmpty() ? QString() : LocalSecurity(m_options.dataDir).dir();
}

void LocalCluster::open(const Progress &progress)
{
    if (m_open)
        return;
    if (!QDir().mkpath(m_options.dataDir))
        throw failure(QStringLiteral("cannot create %1").arg(m_options.dataDir));
    ChangeLock lock(m_options.dataDir, m_options.startTimeoutMs + m_options.stopTimeoutMs);
    RunState state = readState(lockPath()).value_or(RunState{});
    QList<int> down;
    for (const LocalNode &node : m_nodes)
        if (!node.isRunning(state.nodePids.value(node.id())))
            down << node.id();
    const bool running = down.size() < m_nodes.size();
    if (!running) {
        if (!state.nodePids.isEmpty() && progress)
            progress(QStringLiteral("Clearing the lock of a local cluster whose processes are gone (owner PID %1)…").arg(state.ownerPid));
        state = RunState{};
        loadOrCreateLayout(progress);
    } else if (m_addresses.isEmpty()) {
        // Joining: the running nodes keep their ports; only the layout is read.
        const auto layout = readJson(m_options.dataDir + QStringLiteral("/layout.json"));
        for (const QJsonValue &node : layout.value_or(QJsonObject{}).value(u"nodes").toArray())
            m_addresses.append({node[u"id"].toInt(), quint16(node[u"port"].toInt()), quint16(node[u"controllerPort"].toInt()),
                                quint16(node[u"saslPort"].toInt()), quint16(node[u"mtlsPort"].toInt())});
        if (m_addresses.size() != m_options.nodes)
            throw failure(QStringLiteral("the local cluster running from %1 has %2 node(s), not %3")
                              .arg(m_options.dataDir).arg(m_addresses.size()).arg(m_options.nodes));
    }

    QList<qint64> started;
    for (int id : down) {
        if (progress)
            progress(QStringLiteral("Starting local Kafka %1, node %2 of %3…").arg(m_kafka.version).arg(id).arg(m_nodes.size()));
        const qint64 pid = m_nodes[id - 1].start(m_options.heapMb);
        state.nodePids[id] = pid;
        started << pid;
    }
    if (!started.isEmpty()) {
        if (progress)
            progress(QStringLiteral("Waiting for local Kafka %1 to answer…").arg(m_kafka.version));
        try {
            waitUntilAnswering(down, started);
        } catch (...) {
            LocalNode::stopAll(started, m_options.stopTimeoutMs);
            if (!running)
                QFile::remove(lockPath());
            throw;
        }
    }
    if (!LocalNode::processAlive(state.ownerPid) || state.ownerPid == 0) { // a new or an orphaned cluster
        state.ownerPid = self();
        state.ownerIsBroker = m_options.role == LocalClusterRole::Broker;
    }
    QStringList users{m_user};
    for (const QString &user : std::as_const(state.users))
        if (user != m_user && LocalNode::processAlive(pidOf(user)))
            users << user;
    state.users = users;
    state.bootstrap = bootstrapOf(m_addresses);
    writeState(lockPath(), state);
    m_bootstrap = state.bootstrap;
    m_startedHere = !running;
    m_open = true;
}

void LocalCluster::waitUntilAnswering(const QList<int> &ids, const QList<qint64> &pids)
{
    const auto client = probeClient(bootstrapOf(m_addresses));
    QDeadlineTimer deadline(m_options.startTimeoutMs);
    for (;;) {
        for (int i = 0; i < ids.size(); ++i)
            if (!LocalNode::processAlive(pids[i]))
                throw failure(QStringLiteral("local Kafka node %1 exited while starting; the end of %2:\n%3")
                                  .arg(ids[i]).arg(m_nodes[ids[i] - 1].logFile(), m_nodes[ids[i] - 1].logTail()));
        const rd_kafka_metadata_t *raw = nullptr;
        if (rd_kafka_metadata(client.get(), 0, nullptr, &raw, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const RdMetadataPtr metadata(raw);
            QList<int> answering;
            for (int b = 0; b < metadata->broker_cnt; ++b)
                answering << metadata->brokers[b].id;
            const bool all = std::all_of(ids.begin(), ids.end(), [&answering](int id) { return answering.contains(id); });
            if (all && rd_kafka_controllerid(client.get(), 1000) >= 0)
                return;
        }
        if (deadline.hasExpired())
            throw failure(QStringLiteral("local Kafka did not answer within %1 s; the end of %2:\n%3")
                              .arg(m_options.startTimeoutMs / 1000).arg(m_nodes[ids[0] - 1].logFile(), m_nodes[ids[0] - 1].logTail()));
        QThread::msleep(200);
    }
}

QList<int> LocalCluster::runningNodes() const
{
    const RunState state = readState(lockPath()).value_or(RunState{});
    QList<int> running;
    for (const LocalNode &node : m_nodes)
        if (node.isRunning(state.nodePids.value(node.id())))
            running << node.id();
    return running;
}

void LocalCluster::stopNode(int id)
{
    if (!m_open || id < 1 || id > m_nodes.size())
        throw failure(QStringLiteral("no node %1 in the local cluster").arg(id));
    ChangeLock lock(m_options.dataDir, m_options.stopTimeoutMs + 5'000);
    RunState state = readState(lockPath()).value_or(RunState{});
    const qint64 pid = state.nodePids.value(id);
    if (m_nodes[id - 1].isRunning(pid))
        LocalNode::stopAll({pid}, m_options.stopTimeoutMs);
    state.nodePids[id] = 0;
    writeState(lockPath(), state);
}

void LocalCluster::startNode(int id)
{
    if (!m_open || id < 1 || id > m_nodes.size())
        throw failure(QStringLiteral("no node %1 in the local cluster").arg(id));
    ChangeLock lock(m_options.dataDir, m_options.startTimeoutMs);
    RunState state = readState(lockPath()).value_or(RunState{});
    if (m_nodes[id - 1].isRunning(state.nodePids.value(id)))
        return;
    const qint64 pid = m_nodes[id - 1].start(m_options.heapMb);
    state.nodePids[id] = pid;
    writeState(lockPath(), state);
    waitUntilAnswering({id}, {pid});
}

void LocalCluster::release()
{
    if (!m_open)
        return;
    m_open = false;
    ChangeLock lock(m_options.dataDir, m_options.startTimeoutMs + m_options.stopTimeoutMs);
    const auto state = readState(lockPath());
    if (!state)
        return;
    QStringList users;
    for (const QString &user : state->users)
        if (user != m_user && LocalNode::processAlive(pidOf(user)))
            users << user;
    const bool ownedBroker = state->ownerIsBroker && state->ownerPid != self() && LocalNode::processAlive(state->ownerPid);
    const bool stop = (state->ownerPid == self() && state->ownerIsBroker) || (users.isEmpty() && !ownedBroker);
    if (!stop) {
        RunState staying = *state;
        staying.users = users;
        writeState(lockPath(), staying);
        return;
    }
    LocalNode::stopAll(state->nodePids.values(), m_options.stopTimeoutMs);
    QFile::remove(lockPath());
}
