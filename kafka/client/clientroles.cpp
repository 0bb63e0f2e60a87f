#include "client/clientroles.h"

#include <QUuid>

namespace {

// Statistics feed Cluster health; a client with no statistics handler ignores them.
constexpr auto StatisticsIntervalMs = "1000";

ClientConfig withIdentity(ClientConfig config, const QString &clientId)
{
    config.setDefault(QStringLiteral("client.id"), clientId);
    config.setDefault(QStringLiteral("statistics.interval.ms"), QString::fromLatin1(StatisticsIntervalMs));
    return config;
}

ClientConfig reader(ClientConfig config, const QString &groupId, const QString &clientId)
{
    config = withIdentity(std::move(config), clientId);
    config.set(QStringLiteral("group.id"), groupId);
    config.set(QStringLiteral("enable.auto.commit"), QStringLiteral("false"));
    // Records of an aborted transaction are never shown, evaluated or replayed.
    config.set(QStringLiteral("isolation.level"), QStringLiteral("read_committed"));
    return config;
}

} // namespace

ClientConfig ClientRoles::assignOnlyReader(ClientConfig config, const QString &clientId, const QString &groupId)
{
    // librdkafka wants a group id even for a consumer that only assigns; this one is never joined.
    const QString group = groupId.isEmpty() ? clientId + u'-' + QUuid::createUuid().toString(QUuid::Id128).left(12) : groupId;
    config = reader(std::move(config), group, clientId);
    config.set(QStringLiteral("enable.auto.offset.store"), QStringLiteral("false"));
    config.set(QStringLiteral("enable.partition.eof"), QStringLiteral("true"));
    return config;
}

ClientConfig ClientRoles::groupReader(ClientConfig config, const QString &groupId, const QString &clientId)
{
    return reader(std::move(config), groupId, clientId);
}

ClientConfig ClientRoles::producer(ClientConfig config, const QString &clientId)
{
    config = withIdentity(std::move(config), clientId);
    config.set(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    config.set(QStringLiteral("acks"), QStringLiteral("all"));
    return config;
}

ClientConfig ClientRoles::transactionalProducer(ClientConfig config, const QString &transactionalId, const QString &clientId)
{
    config = producer(std::move(config), clientId);
    config.set(QStringLiteral("transactional.id"), transactionalId);
    return config;
}

ClientConfig ClientRoles::adminClient(ClientConfig config, const QString &clientId)
{
    return withIdentity(std::move(config), clientId);
}
