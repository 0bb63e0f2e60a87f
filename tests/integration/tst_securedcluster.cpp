// The console's workers over the test broker's secured listeners (tests/realkafka/README.md,
// "Secured listeners"): SASL_SSL (PLAIN over TLS) and mTLS, each worker as the principal a hospital
// gives it: vigil-console, read-only on healthcare.*, for the feed, the inspector, the message
// browser, replay's what-if and the wall source; vigil-evaluator, with its topics, group and
// transactional id, for the exactly-once evaluator. What they read is written beforehand over
// PLAINTEXT, the fixture's super user.
//
// Then refusals: the console principal writing, and vigil-denied, which has no ACL at all, in every
// area. Each says which topic, group or transactional id it may not use ("not authorized to read
// healthcare.labs.results — ACL"); the evaluator stops, saying the ACL it lacks, and does not try
// again. A wrong password, a certificate the broker does not trust and a broker certificate the
// client does not trust are each said as such at start.
#include "clinical/alert.h"
#include "clinical/thresholdset.h"
#include "clustertesting.h"
#include "client/workerthread.h"
#include "jobs/clusterinspector.h"
#include "jobs/evaluatorjob.h"
#include "jobs/feedconsumer.h"
#include "jobs/messagebrowser.h"
#include "jobs/replaysession.h"
#include "jobs/wallsource.h"

#include <QtTest>

using namespace ClusterTesting;

namespace {

const char *potassiumRule = R"({"name":"Secured test","version":1,"rules":[{"loinc":["2823-3"],"display":"Potassium","unit":"mmol/L","low":2.8,"high":6.2}]})";

QString securedFile(const QString &name)
{
    return QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/secured/") + name;
}

// The client properties start-kafka wrote for a principal on a listener ("sasl_ssl" or "mtls").
ClientConfig securedConfig(const QString &principal, const QString &listener)
{
    ClientConfig config;
    config.loadPropertiesFile(securedFile(principal + u'-' + listener + QStringLiteral(".properties")));
    return config;
}

// The secured listeners' clients, beside the fixture's PLAINTEXT super user that sets up.
struct SecuredCluster {
    TestCluster admin;
    QString listener;

    ClientConfig as(const QString &principal) const { return securedConfig(principal, listener); }
    // Unique per row and run; under healthcare., where vigil-console may read.
    QString topic(const char *what) const
    {
        return QStringLiteral("healthcare.test-secured-%1-%2-%3").arg(QLatin1String(what), listener, runId());
    }
    QString group(const char *what) const { return QStringLiteral("vigil-%1-secured-%2-%3").arg(QLatin1String(what), listener, runId()); }
};

// Whether a message says the ACL refused `resource`: "not authorized to read|describe|write <resource> — ACL".
bool refuses(const QString &message, const QString &resource)
{
    return message.contains(QStringLiteral("not authorized to ")) && message.contains(resource + QStringLiteral(" — ACL"));
}

void rows()
{
    QTest::addColumn<QString>("listener");
    QTest::newRow("sasl_ssl") << QStringLiteral("sasl_ssl");
    QTest::newRow("mtls") << QStringLiteral("mtls");
}

// Opens the row's listener; false (skipped) when the fixture has no secured listeners.
bool openSecured(SecuredCluster &cluster)
{
    QFETCH(QString, listener);
    cluster.listener = listener;
    if (readStateFile(listener == u"mtls" ? "mtls_bootstrap" : "sasl_ssl_bootstrap").isEmpty()) {
        QTest::qSkip("the RealKafka fixture has no secured listeners (VIGIL_KAFKA_SECURED=0?)", __FILE__, __LINE__);
        return false;
    }
    if (!openRealCluster(cluster.admin))
        return false;
    qInfo().noquote() << QTest::currentTestFunction() << "over" << listener << "at"
                      << cluster.as(QStringLiteral("vigil-console")).bootstrapServers();
    return true;
}

void produce(const TestCluster &cluster, const QString &topic, int count)
{
    Producer producer(producerConfig(cluster));
    for (int i = 0; i < count; ++i)
        producer.produce(topic.toStdString(), "pat-" + std::to_string(i % 5), knownLabResult(i % 9, "secured-"));
    QCOMPARE(producer.flush(30'000), 0);
    QCOMPARE(producer.deliveries().failed, 0);
}

// Every error a worker reports, in order.
struct Errors {
    QList<ClientError> list;
    QObject context; // destroyed first: no queued call reaches the list after the test

    void watch(KafkaWorker *worker)
    {
        QObject::connect(worker, &KafkaWorker::errorOccurred, &context, [this](const ClientError &e) { list.append(e); });
    }
    // Whether one says `what`; waits for it at most 30 s.
    bool waitFor(const QString &what)
    {
        return QTest::qWaitFor([&] { return !find(what).isEmpty(); }, 30'000);
    }
    QString find(const QString &what) const
    {
        for (const auto &e : list) {
            if (e.message.contains(what))
                return e.message;
        }
        return {};
    }
    QString fatal() const
    {
        for (const auto &e : list) {
            if (e.fatal)
                return e.message;
        }
        return {};
    }
    QString all() const
    {
        QStringList messages;
        for (const auto &e : list)
            messages.append(e.message);
        return messages.join(QStringLiteral(" | "));
    }
};

ClusterInspector *inspector(const ClientConfig &config, const QStringList &groups = {})
{
    InspectorSettings settings;
    settings.config = config;
    settings.refreshMs = 300;
    settings.requestTimeoutMs = 3000;
    settings.groups = groups;
    return new ClusterInspector(settings);
}

MessageBrowser *browser(const ClientConfig &config)
{
    BrowserSettings settings;
    settings.config = config;
    return new MessageBrowser(settings);
}

ReplayResult replay(const ClientConfig &config, const ReplayRequest &request)
{
    KafkaReplayControl control(config);
    QSignalSpy finished(&control, &ReplayControl::finished);
    control.start(request);
    if (!finished.wait(90'000) && finished.isEmpty()) {
        ReplayResult timedOut;
        timedOut.status = ReplayResult::Status::Failed;
        timedOut.message = QStringLiteral("no result within 90 s");
        return timedOut;
    }
    return finished.first().first().value<ReplayResult>();
}

ReplayRequest whatIf(const QString &topic)
{
    ReplayRequest request;
    request.range.topics = {topic};
    request.mode = ReplayMode::WhatIf;
    request.live = ThresholdSet::fromJson(potassiumRule);
    request.candidate = request.live;
    return request;
}

FeedConsumer *feed(const ClientConfig &config, const QString &topic, const QString &group)
{
    ConsumerSettings settings;
    settings.config = config;
    settings.topics = {topic};
    settings.groupId = group;
    settings.offsetReset = QStringLiteral("earliest");
    return new FeedConsumer(settings);
}

WallSource *wallSource(const ClientConfig &config, const WallTopics &topics)
{
    WallSourceSettings settings;
    settings.config = config;
    settings.topics = topics;
    return new WallSource(settings);
}

EvaluatorJob *evaluator(const ClientConfig &config, const QString &group, const QString &instance,
                        const EvaluatorTopics &topics = {})
{
    EvaluatorSettings settings;
    settings.config = config;
    settings.thresholds = ThresholdSet::fromJson(potassiumRule);
    settings.groupId = group;
    settings.instance = instance;
    settings.topics = topics;
    return new EvaluatorJob(settings);
}

} // namespace

class TestSecuredCluster final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void feedReadsAsTheConsole_data() { rows(); }
    void feedReadsAsTheConsole()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const QString topic = cluster.topic("feed");
        cluster.admin.createTopic(topic, 3);
        produce(cluster.admin, topic, 40);

        auto *worker = feed(cluster.as("vigil-console"), topic, cluster.group("feed"));
        int received = 0;
        Errors errors;
        errors.watch(worker);
        connect(worker, &FeedConsumer::eventsReady, &errors.context, [&](const QList<FeedEvent> &batch) { received += int(batch.size()); });
        WorkerThread thread(worker, QStringLiteral("feed"));
        QVERIFY2(QTest::qWaitFor([&] { return received >= 40; }, 60'000), qPrintable(errors.all()));
        QVERIFY(thread.stop());
        QCOMPARE(received, 40);
        QVERIFY2(errors.fatal().isEmpty(), qPrintable(errors.fatal()));

        // A topic outside healthcare.*: its group may be used, the topic not read.
        auto *outside = feed(cluster.as("vigil-console"), QStringLiteral("vigil.audit"), cluster.group("feed-outside"));
        Errors refused;
        refused.watch(outside);
        WorkerThread outsideThread(outside, QStringLiteral("feed"));
        QVERIFY2(refused.waitFor(QStringLiteral("not authorized to read vigil.audit — ACL")), qPrintable(refused.all()));
        QVERIFY(outsideThread.stop());
    }

    void inspectorSeesTheLayoutAsTheConsole_data() { rows(); }
    void inspectorSeesTheLayoutAsTheConsole()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const QString topic = cluster.topic("inspector");
        cluster.admin.createTopic(topic, 2);
        produce(cluster.admin, topic, 25);

        auto *worker = inspector(cluster.as("vigil-console"));
        ClusterSnapshot latest;
        Errors errors;
        errors.watch(worker);
        connect(worker, &ClusterInspector::snapshotReady, &errors.context, [&](const ClusterSnapshot &s) { latest = s; });
        WorkerThread thread(worker, QStringLiteral("inspector"));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const TopicInfo *mine = latest.topic(topic);
                         return mine && mine->totalMessages() == 25 && latest.configsAnswered;
                     },
                     60'000),
                 qPrintable(latest.error + u' ' + latest.configsNote + u' ' + errors.all()));
        QVERIFY(thread.stop());
        QVERIFY(latest.error.isEmpty());
        const TopicInfo *labs = latest.topic(QStringLiteral("healthcare.labs.results"));
        QVERIFY(labs);
        QCOMPARE(labs->partitions.size(), 8);
        QVERIFY(!labs->configs.isEmpty()); // DescribeConfigs on healthcare.*
        QVERIFY2(errors.fatal().isEmpty(), qPrintable(errors.fatal()));
    }

    // The console pages through a topic; it may not write one, and says so.
    void browserReadsAsTheConsoleAndMayNotWrite_data() { rows(); }
    void browserReadsAsTheConsoleAndMayNotWrite()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const QString topic = cluster.topic("browser");
        cluster.admin.createTopic(topic, 2);
        produce(cluster.admin, topic, 30);

        auto *worker = browser(cluster.as("vigil-console"));
        QSignalSpy pages(worker, &MessageBrowser::pageReady);
        QSignalSpy produced(worker, &MessageBrowser::produced);
        WorkerThread thread(worker, QStringLiteral("browser"));
        BrowseRequest request;
        request.topic = topic;
        QMetaObject::invokeMethod(worker, [&] { worker->browse(1, request); });
        QVERIFY(pages.wait(30'000));
        const auto page = pages.first().first().value<BrowsePage>();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.messages.size(), 30);

        ProduceRequest write;
        write.topic = topic;
        write.key = "pat-1";
        write.value = R"({"resourceType":"Basic"})";
        QMetaObject::invokeMethod(worker, [&] { worker->produce(write); });
        QVERIFY(produced.wait(30'000));
        const auto result = produced.first().first().value<ProduceResult>();
        QVERIFY2(result.error.contains(QStringLiteral("not authorized to write ") + topic + QStringLiteral(" — ACL")),
                 qPrintable(result.error));
        QVERIFY(thread.stop());
    }

    // What-if reads as the console; re-publishing needs WRITE, which it does not have.
    void replayWhatIfAsTheConsoleAndRepublishRefused_data() { rows(); }
    void replayWhatIfAsTheConsoleAndRepublishRefused()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const QString topic = cluster.topic("replay");
        const QString target = cluster.topic("replay-target");
        cluster.admin.createTopic(topic, 2);
        cluster.admin.createTopic(target, 1);
        produce(cluster.admin, topic, 36);

        const ReplayResult result = replay(cluster.as("vigil-console"), whatIf(topic));
        QVERIFY2(result.status == ReplayResult::Status::Completed, qPrintable(result.message));
        QCOMPARE(result.progress.records, 36);
        QCOMPARE(result.comparison.liveAlerts(), 8); // knownLabResult(i % 9): 0 and 7 are critical, four times each
        ReplayRequest copy;
        copy.range.topics = {topic};
        copy.mode = ReplayMode::Republish;
        copy.targetTopic = target;
        const ReplayResult refused = replay(cluster.as("vigil-console"), copy);
        // Its transaction is refused first: the console has no transactional id either.
        QVERIFY(refused.status == ReplayResult::Status::Failed);
        QVERIFY2(refused.message.contains(QStringLiteral("not authorized to use the transactional id vigil-replay-"))
                     && refused.message.contains(QStringLiteral(" — ACL")),
                 qPrintable(refused.message));
        QCOMPARE(readTopic(cluster.admin, target).size(), 0);
    }

    void wallSourceReadsAsTheConsole_data() { rows(); }
    void wallSourceReadsAsTheConsole()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const WallTopics topics{cluster.topic("wall-alerts").toStdString(), cluster.topic("wall-adt").toStdString()};
        cluster.admin.createTopic(QString::fromStdString(topics.alerts), 2);
        cluster.admin.createTopic(QString::fromStdString(topics.adt), 2);
        Alert alert;
        alert.alertId = "alert-" + runId().toStdString();
        alert.patientId = "pat-1";
        alert.observationId = "obs-1";
        alert.loinc = "2823-3";
        alert.display = "Potassium";
        alert.value = 6.9;
        alert.unit = "mmol/L";
        alert.limit = 6.2;
        alert.issued = msToFhirInstant(QDateTime::currentMSecsSinceEpoch());
        {
            Producer producer(producerConfig(cluster.admin));
            producer.produce(topics.alerts, alert.alertId, alert.toJson().dump());
            QCOMPARE(producer.flush(10'000), 0);
        }

        auto *worker = wallSource(cluster.as("vigil-console"), topics);
        std::vector<Alert> alerts;
        bool caughtUp = false;
        Errors errors;
        errors.watch(worker);
        connect(worker, &WallSource::batchReady, &errors.context, [&](const WallBatch &batch) {
            alerts.insert(alerts.end(), batch.alerts.begin(), batch.alerts.end());
            caughtUp = caughtUp || batch.caughtUp;
        });
        WorkerThread thread(worker, QStringLiteral("wall"));
        QVERIFY2(QTest::qWaitFor([&] { return caughtUp; }, 60'000), qPrintable(errors.all()));
        QVERIFY(thread.stop());
        QCOMPARE(alerts.size(), size_t(1));
        QCOMPARE(alerts.front().alertId, alert.alertId);
    }

    // The evaluator as vigil-evaluator: the seed's topics, its group and transactional id prefix.
    void evaluatorRunsExactlyOnceAsItsPrincipal_data() { rows(); }
    void evaluatorRunsExactlyOnceAsItsPrincipal()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const std::string prefix = "secured-" + cluster.listener.toStdString() + '-' + runId().toStdString() + '-';
        constexpr int total = 200;
        {
            Producer producer(producerConfig(cluster.admin));
            for (int i = 0; i < total; ++i)
                producer.produce("healthcare.labs.results", "pat-" + std::to_string(i % 50), knownLabResult(i, prefix));
            QCOMPARE(producer.flush(30'000), 0);
        }
        auto *job = evaluator(cluster.as("vigil-evaluator"), cluster.group("evaluator"), QStringLiteral("one"));
        Errors errors;
        errors.watch(job);
        WorkerThread thread(job, QStringLiteral("evaluator"));
        const QString bootstrap = cluster.admin.bootstrap();
        const auto outputs = readCommitted(bootstrap, {"healthcare.labs.processed", "healthcare.dlq"}, total, 120'000, 2'000,
                                           [&](const KafkaRecord &r) { return outputOf(r, prefix); });
        const auto alerts = readCommitted(bootstrap, {"healthcare.alerts.critical"}, expectedAlerts(total), 30'000, 1'000,
                                          [&](const KafkaRecord &r) { return alertFor(r, prefix); });
        QVERIFY(thread.stop(15'000));
        QVERIFY2(errors.fatal().isEmpty(), qPrintable(errors.fatal()));
        const QString problem = exactlyOnceProblem(outputs, alerts, total);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u' ' + errors.all()));
    }

    // vigil-denied has no ACL: each area names what it may not use.
    void deniedIsSaidInEveryArea_data() { rows(); }
    void deniedIsSaidInEveryArea()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        const ClientConfig denied = cluster.as("vigil-denied");
        const QString labs = QStringLiteral("healthcare.labs.results");

        {
            // Its group is refused first: said as such.
            const QString group = cluster.group("feed-denied");
            auto *worker = feed(denied, labs, group);
            Errors errors;
            errors.watch(worker);
            WorkerThread thread(worker, QStringLiteral("feed"));
            QVERIFY2(errors.waitFor(QStringLiteral("not authorized to use the consumer group ") + group + QStringLiteral(" — ACL")),
                     qPrintable(errors.all()));
            QVERIFY(thread.stop());
        }
        {
            auto *worker = inspector(denied);
            ClusterSnapshot latest;
            QObject context;
            connect(worker, &ClusterInspector::snapshotReady, &context, [&](const ClusterSnapshot &s) { latest = s; });
            WorkerThread thread(worker, QStringLiteral("inspector"));
            // Every layout topic it may not describe, in one line.
            QVERIFY2(QTest::qWaitFor([&] { return latest.accessNote.startsWith(QStringLiteral("not authorized to describe "))
                                                  && latest.accessNote.contains(labs + QStringLiteral(", "))
                                                  && latest.accessNote.contains(QStringLiteral("vigil.audit — ACL")); },
                                     30'000),
                     qPrintable(latest.error + u' ' + latest.accessNote));
            QVERIFY(latest.topics.isEmpty());
            QVERIFY(thread.stop());
        }
        {
            auto *worker = browser(denied);
            QSignalSpy pages(worker, &MessageBrowser::pageReady);
            WorkerThread thread(worker, QStringLiteral("browser"));
            BrowseRequest request;
            request.topic = labs;
            QMetaObject::invokeMethod(worker, [&] { worker->browse(1, request); });
            QVERIFY(pages.wait(30'000));
            const QString error = pages.first().first().value<BrowsePage>().error;
            QVERIFY2(refuses(error, labs), qPrintable(error));
            QVERIFY(thread.stop());
        }
        {
            const ReplayResult result = replay(denied, whatIf(labs));
            QVERIFY(result.status == ReplayResult::Status::Failed);
            QVERIFY2(refuses(result.message, labs), qPrintable(result.message));
        }
        {
            auto *worker = wallSource(denied, {});
            Errors errors;
            errors.watch(worker);
            QSignalSpy lost(worker, &WallSource::brokersLost); // the ward's banner, at once
            WorkerThread thread(worker, QStringLiteral("wall"));
            QVERIFY2(QTest::qWaitFor([&] { return refuses(errors.all(), QStringLiteral("healthcare.alerts.critical")); }, 30'000),
                     qPrintable(errors.all()));
            QVERIFY(lost.wait(10'000) || !lost.isEmpty());
            QVERIFY2(refuses(lost.first().first().toString(), QStringLiteral("healthcare.alerts.critical")),
                     qPrintable(lost.first().first().toString()));
            QVERIFY(thread.stop());
        }
    }

    // The evaluator stops on a missing ACL, says which, and does not try again: first for the principal
    // with none (its transactional id), then for its own principal pointed at a topic it may not read.
    void evaluatorStopsOnAMissingAcl_data() { rows(); }
    void evaluatorStopsOnAMissingAcl()
    {
        SecuredCluster cluster;
        if (!openSecured(cluster))
            return;
        struct Case {
            QString principal;
            EvaluatorTopics topics;
            QString said;
        };
        EvaluatorTopics unreadable;
        unreadable.input = "healthcare.fhir.other";
        const QString group = cluster.group("evaluator-denied");
        const QList<Case> cases = {
            {"vigil-denied", {}, "not authorized to use the transactional id " + group + "-one — ACL"},
            {"vigil-evaluator", unreadable, "not authorized to read healthcare.fhir.other — ACL"},
        };
        for (const Case &c : cases) {
            auto *job = evaluator(cluster.as(c.principal), group, QStringLiteral("one"), c.topics);
            QList<EvaluatorStatus> states;
            Errors errors;
            errors.watch(job);
            connect(job, &EvaluatorJob::statusChanged, &errors.context, [&](const EvaluatorStatus &s) { states.append(s); });
            WorkerThread thread(job, QStringLiteral("evaluator"));
            QVERIFY2(QTest::qWaitFor([&] { return !states.isEmpty() && states.last().state == EvaluatorStatus::State::Stopped; },
                                     60'000),
                     qPrintable(c.principal + u' ' + errors.all()));
            QVERIFY2(states.last().reason.contains(c.said), qPrintable(states.last().reason));
            QVERIFY2(errors.fatal().contains(c.said), qPrintable(errors.all()));
            // Stopped stays stopped: no retry comes after it (KafkaWorker retries after 2 s at the latest).
            const qsizetype seen = states.size();
            QTest::qWait(KafkaWorker::RetryFirstMs * 2);
            QCOMPARE(states.size(), seen);
            QVERIFY(thread.stop());
        }
    }

    // Who the client is, refused at start: a wrong password; a client certificate from a CA the broker
    // does not trust; a broker certificate this client does not trust.
    void signInFailuresAreSaidAtStart()
    {
        SecuredCluster cluster;
        cluster.listener = QStringLiteral("sasl_ssl");
        if (readStateFile("sasl_ssl_bootstrap").isEmpty())
            QSKIP("the RealKafka fixture has no secured listeners (VIGIL_KAFKA_SECURED=0?)");
        ClientConfig wrongPassword = securedConfig("vigil-console", "sasl_ssl");
        wrongPassword.set("sasl.password", "not-the-password");
        ClientConfig strangerCertificate = securedConfig("stranger", "mtls");
        ClientConfig untrustedBroker = securedConfig("vigil-console", "mtls");
        untrustedBroker.set("ssl.ca.location", securedFile("stranger-ca.pem"));
        const QList<QPair<ClientConfig, QString>> cases = {
            {wrongPassword, "the cluster refused the user name or password"},
            {strangerCertificate, "the broker refused this client's certificate"},
            {untrustedBroker, "the broker's certificate is not trusted"},
        };
        for (const auto &[config, said] : cases) {
            auto *worker = inspector(config);
            Errors errors;
            errors.watch(worker);
            WorkerThread thread(worker, QStringLiteral("inspector"));
            QVERIFY2(errors.waitFor(said), qPrintable(said + QStringLiteral(": ") + errors.all()));
            QVERIFY(thread.stop());
        }
    }
};

QTEST_GUILESS_MAIN(TestSecuredCluster)
#include "tst_securedcluster.moc"
