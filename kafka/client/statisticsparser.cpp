#include "client/statisticsparser.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

ClientStatistics parseStatistics(std::string_view text)
{
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object() || !json.contains("brokers"))
        throw std::runtime_error("not librdkafka statistics");

    ClientStatistics stats;
    stats.client = QString::fromStdString(json.value("name", std::string()));
    stats.clientId = QString::fromStdString(json.value("client_id", std::string()));
    stats.type = QString::fromStdString(json.value("type", std::string()));
    stats.timestampUs = json.value("ts", qint64(0));
    stats.receivedMessages = json.value("rxmsgs", qint64(0));
    stats.sentMessages = json.value("txmsgs", qint64(0));
    stats.queuedMessages = json.value("msg_cnt", qint64(0));

    double rttSum = 0;
    int rttCount = 0;
    for (const auto &[name, broker] : json.at("brokers").items()) {
        // Bootstrap entries (nodeid -1), the internal broker and logical ones such as
        // "GroupCoordinator" are not cluster members.
        const auto source = broker.value("source", std::string());
        if (broker.value("nodeid", -1) < 0 || source == "logical" || source == "internal")
            continue;
        const auto state = broker.value("state", std::string());
        stats.brokerStates.append({broker.value("nodeid", -1), QString::fromStdString(state)});
        ++stats.brokersTotal;
        if (state == "UP")
            ++stats.brokersUp;
        stats.transportErrors += broker.value("txerrs", qint64(0)) + broker.value("rxerrs", qint64(0))
                                 + broker.value("req_timeouts", qint64(0));
        stats.requestsInFlight += broker.value("outbuf_cnt", qint64(0)) + broker.value("waitresp_cnt", qint64(0));
        if (const auto rtt = broker.find("rtt"); rtt != broker.end() && rtt->value("cnt", 0) > 0) {
            rttSum += rtt->value("avg", 0.0) / 1000.0;
            ++rttCount;
            stats.p99RttMs = std::max(stats.p99RttMs, rtt->value("p99", 0.0) / 1000.0);
        }
    }
    stats.averageRttMs = rttCount ? rttSum / rttCount : 0.0;
    return stats;
}
