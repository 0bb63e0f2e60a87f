#include "ingest/notification.h"

#include <QFile>
#include <QtTest>

namespace {

std::string example(const char *name)
{
    QFile file(QStringLiteral(VIGIL_NOTIFICATIONS_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", name);
    return file.readAll().toStdString();
}

} // namespace

char *toString(NotificationType type)
{
    return qstrdup(typeName(type).data());
}

class TestNotification final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void anEmptyBodyIsAPing()
    {
        const auto n = SubscriptionNotification::parse(" \r\n");
        QCOMPARE(n.type, NotificationType::Ping);
        QVERIFY(!n.carriesEvents());
        QVERIFY(n.events.empty());
    }

    void aBackportFullResourceNotificationCarriesItsResourceAndNumber()
    {
        const auto n = SubscriptionNotification::parse(example("backport-full-resource.json"));
        QVERIFY(n.backport);
        QCOMPARE(n.type, NotificationType::EventNotification);
        QCOMPARE(n.subscription, std::string("https://ehr.example.org/fhir/Subscription/critical-labs"));
        QCOMPARE(n.eventsSinceStart, std::optional<long long>(2));
        QCOMPARE(n.events.size(), std::size_t(1));
        const NotifiedEvent &event = n.events.front();
        QCOMPARE(event.eventNumber, std::optional<long long>(2));
        QVERIFY(event.carriesResource());
        QCOMPARE(event.resource["id"].get<std::string>(), std::string("k-7001"));
        QCOMPARE(event.method, std::string("POST"));
    }

    void anIdOnlyNotificationNamesWhatToFetch()
    {
        const auto n = SubscriptionNotification::parse(example("backport-id-only.json"));
        QCOMPARE(n.events.size(), std::size_t(1));
        const NotifiedEvent &event = n.events.front();
        QVERIFY(!event.carriesResource());
        QCOMPARE(relativeReference(event.focus), std::string("Observation/k-7002"));
        QCOMPARE(event.method, std::string("PUT"));
        QCOMPARE(event.eventNumber, std::optional<long long>(3));
    }

    void anEmptyPayloadCarriesOnlyItsNumber()
    {
        const auto n = SubscriptionNotification::parse(example("backport-empty.json"));
        QCOMPARE(n.events.size(), std::size_t(1));
        QVERIFY(!n.events.front().carriesResource());
        QVERIFY(n.events.front().focus.empty());
        QCOMPARE(n.events.front().eventNumber, std::optional<long long>(4));
    }

    void handshakesAndHeartbeatsCarryNoEvents()
    {
        const auto handshake = SubscriptionNotification::parse(example("backport-handshake.json"));
        QCOMPARE(handshake.type, NotificationType::Handshake);
        QCOMPARE(handshake.eventsSinceStart, std::optional<long long>(0));
        QVERIFY(!handshake.carriesEvents());
        const auto heartbeat = SubscriptionNotification::parse(example("backport-heartbeat.json"));
        QCOMPARE(heartbeat.type, NotificationType::Heartbeat);
        QCOMPARE(heartbeat.eventsSinceStart, std::optional<long long>(4));
        QVERIFY(heartbeat.events.empty());
    }

    void anR4BSubscriptionStatusReadsTheSame()
    {
        const auto n = SubscriptionNotification::parse(R"({"resourceType":"Bundle","type":"history","entry":[
            {"resource":{"resourceType":"SubscriptionStatus","type":"event-notification","eventsSinceSubscriptionStart":"9",
              "subscription":{"reference":"Subscription/s1"},
              "notificationEvent":[{"eventNumber":"9","focus":{"reference":"Encounter/e1"}}]}},
            {"fullUrl":"Encounter/e1","resource":{"resourceType":"Encounter","id":"e1","status":"in-progress"}}]})");
        QCOMPARE(n.subscription, std::string("Subscription/s1"));
        QCOMPARE(n.events.size(), std::size_t(1));
        QCOMPARE(n.events.front().eventNumber, std::optional<long long>(9));
        QVERIFY(n.events.front().carriesResource());
    }

    void aRestHookBundleIsEveryEntry()
    {
        const auto n = SubscriptionNotification::parse(example("rest-hook-transaction.json"));
        QVERIFY(!n.backport);
        QCOMPARE(n.type, NotificationType::EventNotification);
        QCOMPARE(n.events.size(), std::size_t(4));
        QCOMPARE(n.events[0].method, std::string("PUT"));
        QCOMPARE(n.events[1].method, std::string("POST"));
        QCOMPARE(n.events[3].method, std::string("DELETE"));
        QVERIFY(!n.events[3].carriesResource());
        QCOMPARE(relativeReference(n.events[3].focus), std::string("MedicationRequest/mr-5521"));
    }

    void aBareResourceIsOneEvent()
    {
        const auto n = SubscriptionNotification::parse(R"({"resourceType":"Observation","id":"o1"})");
        QCOMPARE(n.events.size(), std::size_t(1));
        QCOMPARE(n.events.front().focus, std::string("Observation/o1"));
    }

    void badBodiesSayWhy_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::newRow("malformed") << QByteArray(R"({"resourceType":"Bundle",)") << "not-json";
        QTest::newRow("array") << QByteArray("[1,2]") << "not-fhir";
        QTest::newRow("no resourceType") << QByteArray(R"({"type":"history"})") << "not-fhir";
        QTest::newRow("unknown status type") << QByteArray(R"({"resourceType":"Bundle","type":"history","entry":[
            {"resource":{"resourceType":"Parameters","parameter":[{"name":"type","valueCode":"gossip"}]}}]})")
                                             << "bad-status";
        QTest::newRow("status without type") << QByteArray(R"({"resourceType":"Bundle","type":"history","entry":[
            {"resource":{"resourceType":"Parameters","parameter":[]}}]})") << "bad-status";
    }

    void badBodiesSayWhy()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        try {
            SubscriptionNotification::parse(body.toStdString());
            QFAIL("parsed");
        } catch (const NotificationError &e) {
            QCOMPARE(QString::fromStdString(e.reason()), reason);
        }
    }

    void referencesReadAsTypeAndId()
    {
        std::string version;
        QCOMPARE(relativeReference("https://ehr/fhir/Observation/7/_history/3", &version), std::string("Observation/7"));
        QCOMPARE(version, std::string("3"));
        QCOMPARE(relativeReference("Patient/p1"), std::string("Patient/p1"));
        QCOMPARE(relativeReference("urn:uuid:1234"), std::string());
        QCOMPARE(relativeReference("Observation"), std::string());
    }
};

QTEST_APPLESS_MAIN(TestNotification)
#include "tst_notification.moc"
