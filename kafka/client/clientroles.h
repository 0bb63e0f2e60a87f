#pragma once

#include "client/clientconfig.h"

// The kinds of client Vigil runs, each laid over the user's configuration (bootstrap, -X,
// client.properties). What a role's guarantee rests on is always set; the rest are defaults the
// user may override with -X. Every job builds its clients from one of these.
namespace ClientRoles {

// A consumer that assigns its partitions itself and never joins or commits to a group (the
// message browser, replay, the wall display, the inspector's peek). Its group id is its own:
// clientId and a random suffix unless groupId names one. Reads committed records only and
// reports each partition's end.
ClientConfig assignOnlyReader(ClientConfig config, const QString &clientId, const QString &groupId = {});

// A member of groupId whose offsets the job commits itself (after the work, or inside a
// transaction), never librdkafka on a timer. Reads committed records only.
ClientConfig groupReader(ClientConfig config, const QString &groupId, const QString &clientId);

// An idempotent producer with acks=all: a retried send is written once.
ClientConfig producer(ClientConfig config, const QString &clientId);

// An idempotent producer that writes in transactions as transactionalId.
ClientConfig transactionalProducer(ClientConfig config, const QString &transactionalId, const QString &clientId);

// A handle for metadata, offsets and admin requests only; it never produces.
ClientConfig adminClient(ClientConfig config, const QString &clientId);

} // namespace ClientRoles
