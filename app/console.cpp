#include "console.h"
#include "base/text.h"

#include "brokerdrillbar.h"

#include "clusterhealthview.h"
#include "jobs/auditshipper.h"
#include "profiles/keychain.h"
#include "jobs/clusterinspector.h"
#include "cluster/clusterstatus.h"
#include "connectionsview.h"
#include "consumerlagview.h"
#include "dashboardview.h"
#include "displayaccessview.h"
#include "evaluatorinstances.h"
#include "ingestsources.h"
#include "ingestview.h"
#include "jobs/evaluatorjob.h"
#include "jobs/feedconsumer.h"
#include "localclusterrunner.h"
#include "local/mockcluster.h"
#include "items/feedmodel.h"
#include "mainwindow.h"
#include "jobs/messagebrowser.h"
#include "messagebrowserview.h"
#include "cluster/pipelinehealth.h"
#include "items/deadlettermodel.h"
#include "pipelinehealthview.h"
#include "replaypanel.h"
#include "schemas/schemacatalog.h"
#include "schemas/schemaenforcer.h"
#include "network/schemaregistryclient.h"
#include "schemaviewer.h"
#include "jobs/replaysession.h"
#include "jobs/simulatorpublisher.h"
#include "thresholdeditor.h"
#include "items/thresholdrulesmodel.h"
#include "topicbrowser.h"
#include "base/topics.h"
#include "items/unitoverviewmodel.h"
#include "network/wallfeedserver.h"
#include "wallservice.h"
#include "wallsetupview.h"
#include "wall/wallstate.h"
#include "wallwindow.h"
#include "client/workerthread.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

namespace {

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

// Request ids towards the schema registry: the catalog at start, compatibility checks after.
constexpr quint64 CatalogRequest = 2;

// 128 random bits in hex: what a remote display must present. Hex, so it never starts with '-' on a command line.
QString newToken()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 4);
    return QString::fromLatin1(bytes.toHex());
}

} // namespace

Console::Console(const CommandLine &line) : m_line(line), m_config(line.config)
{
    m_feed = std::make_unique<FeedModel>();
    m_status = std::make_unique<ClusterStatus>(QString());
    m_window = std::make_unique<MainWindow>(m_feed.get(), m_status.get(), QString());
    // Made first: every client's statistics go to it (produce error rate, latency, queue depth).
    m_clusterHealth = new ClusterHealthView;

    switch (line.cluster) {
    case CommandLine::Cluster::Remote:
        connectCluster(m_config.bootstrapServers(), {});
        break;
    case CommandLine::Cluster::Mock:
        startMock({});
        break;
    case CommandLine::Cluster::Local:
        startLocal();
        break;
    }
}

// The Connections area: saved profiles, tested on a thread of their own before they are saved.
void Console::startConnections()
{
    m_keychain = std::make_unique<Keychain>();
    auto *window = m_window.get();
    auto tester = [window](const ConnectionsView::Properties &properties, std::function<void(const QString &)> done) {
        ClientConfig config;
        for (const auto &[key, value] : properties)
            config.set(key, value);
        ClusterInspector::probeInBackground(config, window, std::move(done));
    };
    m_window->addArea(QObject::tr("Connections"), new ConnectionsView(ProfileStore(), m_keychain.get(), tester));
}

void Console::startMock(const QString &why)
{
    m_mock = std::make_unique<MockCluster>(m_line.brokerCount());
    m_config.setBootstrapServers(m_mock->bootstrapServers());
    const QString limits = MockCluster::limitations();
    connectCluster(QObject::tr("mock cluster (%1 brokers, in memory)").arg(m_line.brokerCount()),
                   why.isEmpty() ? limits : why + QStringLiteral("\n\n") + limits, !why.isEmpty());
}

void Console::startLocal()
{
    LocalClusterOptions options;
    options.dataDir = m_line.dataDir;
    options.nodes = m_line.brokers ? m_line.brokers : m_line.dataDir.isEmpty() ? LocalClusterRunner::runningNodeCount(1) : 0;
    auto *runner = new LocalClusterRunner(options);
    m_localThread = std::make_unique<QThread>();
    m_localThread->setObjectName(QStringLiteral("local cluster"));
    runner->moveToThread(m_localThread.get());
    // Deleted on its thread when the console ends: the cluster is left (stopped if this console is its last user).
    QObject::connect(m_localThread.get(), &QThread::finished, runner, &QObject::deleteLater);

    const QString headline = QObject::tr("Starting local Kafka %1 (first start formats the log directory)…")
                                 .arg(KafkaDistribution::defaultVersion());
    m_status->setClusterName(QObject::tr("local Kafka (starting)"));
    m_window->dashboard()->setClusterNotice(headline);
    DashboardView *dashboard = m_window->dashboard();
    QObject::connect(runner, &LocalClusterRunner::progress, dashboard, [this, dashboard, headline](const QString &step) {
        if (m_config.bootstrapServers().isEmpty())
            dashboard->setClusterNotice(headline + QStringLiteral("\n") + step);
    });
    // The drill is wired before the cluster starts, so the first node report reaches it; shown once it answers.
    auto *drill = new BrokerDrillBar;
    drill->hide();
    m_clusterHealth->setDrill(drill);
    QObject::connect(drill, &BrokerDrillBar::stopRequested, runner, &LocalClusterRunner::stopNode);
    QObject::connect(drill, &BrokerDrillBar::startRequested, runner, &LocalClusterRunner::startNode);
    QObject::connect(runner, &LocalClusterRunner::nodesChanged, drill, &BrokerDrillBar::showNodes);
    QObject::connect(runner, &LocalClusterRunner::ready, dashboard,
                     [this, drill](const QString &bootstrap, const QString &description, const QStringList &warnings) {
                         m_config.setBootstrapServers(bootstrap);
                         connectCluster(description, warnings.join(u'\n'), !warnings.isEmpty());
                         drill->show();
                     });
    QObject::connect(runner, &LocalClusterRunner::unavailable, dashboard, [this](const QString &why, const QString &fix) {
        startMock(QObject::tr("%1 Vigil runs librdkafka's mock cluster instead. For the real local cluster: %2").arg(why, fix));
    });
    QObject::connect(runner, &LocalClusterRunner::failed, dashboard, [this, dashboard](const QString &why) {
        if (m_config.bootstrapServers().isEmpty()) {
            m_status->setClusterName(QObject::tr("no cluster"));
            dashboard->setClusterNotice(QObject::tr("The local Kafka cluster did not start: %1\n"
                                                    "Vigil can run on librdkafka's mock cluster instead: vigil --embedded mock")
                                            .arg(why),
                                        true);
        } else {
            m_status->recordError(ClientError{0, QObject::tr("local cluster: %1").arg(why)});
        }
    });
    m_localThread->start();
    QMetaObject::invokeMethod(runner, &LocalClusterRunner::start, Qt::QueuedConnection);
}

void Console::connectCluster(const QString &clusterName, const QString &notice, bool alarming)
{
    const CommandLine &line = m_line;
    m_status->setClusterName(clusterName);
    m_window->dashboard()->setClusterNotice(notice, alarming);

    ConsumerSettings feedSettings;
    feedSettings.config = m_config;
    feedSettings.topics = {Text::toQString(Topics::Adt), Text::toQString(Topics::LabResults),
                           Text::toQString(Topics::MedicationOrders), Text::toQString(Topics::FhirOther)};
    feedSettings.groupId = QStringLiteral("vigil-feed-%1").arg(QCoreApplication::applicationPid());
    // The mock holds this run only; on a cluster with history the feed starts from now.
    feedSettings.offsetReset = m_mock ? QStringLiteral("earliest") : QStringLiteral("latest");
    auto *feedConsumer = new FeedConsumer(feedSettings);
    QObject::connect(feedConsumer, &FeedConsumer::eventsReady, m_feed.get(), &FeedModel::appendBatch);
    QObject::connect(feedConsumer, &KafkaWorker::statisticsUpdated, m_status.get(), &ClusterStatus::updateStatistics);
    watchClientStatistics(feedConsumer);
    QObject::connect(feedConsumer, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_feedThread = std::make_unique<WorkerThread>(feedConsumer, QStringLiteral("feed consumer"));

    // The audit trail's entries go on to vigil.audit; the file keeps them until the cluster took them.
    AuditShipperSettings audit;
    audit.config = m_config;
    audit.path = AuditTrail::defaultPath();
    auto *shipper = new AuditShipper(audit);
    QObject::connect(shipper, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_auditThread = std::make_unique<WorkerThread>(shipper, QStringLiteral("audit shipper"));

    if (line.evaluate)
        startEvaluator(line);
    startWalls(line);
    // Avro values decode by the registry's ids once its schemas are read, else by the bundled ones.
    m_decodingSchemas = std::make_shared<SharedCatalog>(line.schemaRegistry.isEmpty() ? SchemaCatalog::bundled() : SchemaCatalog());
    startTopics();
    startSchemas(line);
    startIngest(line);
    startConnections();

    if (line.simulate) {
        auto *simulator = new SimulatorPublisher(line.simulatorSettings(m_config));
        watchClientStatistics(simulator);
        QObject::connect(simulator, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
}

void Console::startEvaluator(const CommandLine &line)
{
    QString instance;
    try {
        m_evaluatorInstance = std::make_unique<EvaluatorInstances>(line.instance, 1);
        instance = m_evaluatorInstance->names().first();
    } catch (const std::runtime_error &error) {
        // Loud, and the console still evaluates: under a name of this process alone.
        instance = QStringLiteral("%1-pid%2").arg(line.instance).arg(QCoreApplication::applicationPid());
        qCritical().noquote() << "vigil:" << error.what() << "- this console's evaluator runs as instance" << instance;
    }
    const EvaluatorSettings settings = line.evaluatorSettings(m_config, instance);

    m_pipelineHealth = std::make_unique<PipelineHealth>();
    m_deadLetters = std::make_unique<DeadLetterModel>();
    m_window->dashboard()->addPanel(new PipelineHealthView(m_pipelineHealth.get(), m_deadLetters.get()));
    m_thresholdEditor = new ThresholdEditor(settings.thresholds, AuditTrail());
    m_window->addArea(QObject::tr("Thresholds"), m_thresholdEditor);

    auto *job = new EvaluatorJob(settings);
    watchClientStatistics(job);
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_pipelineHealth.get(), &PipelineHealth::record);
    // A stopped evaluator is red in Pipeline health and FEED DOWN on every wall display.
    QObject::connect(job, &EvaluatorJob::statusChanged, m_pipelineHealth.get(), [this](const EvaluatorStatus &status) {
        m_pipelineHealth->setStatus(status);
        // The ward gets words, not the client's error: the reason is in Pipeline health.
        if (m_wallState)
            m_wallState->setEvaluationStopped(status.state == EvaluatorStatus::State::Stopped
                                                  ? std::string("new lab results are not being checked")
                                                  : std::string(),
                                              now());
    });
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_deadLetters.get(), &DeadLetterModel::append);
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_thresholdEditor, &ThresholdEditor::recordActivity);
    QObject::connect(job, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    // The new set crosses to the evaluator's thread as an immutable snapshot.
    QObject::connect(m_thresholdEditor, &ThresholdEditor::thresholdsApplied, job, &EvaluatorJob::setThresholds);

    // What-if replay of history under a candidate set; applying from there reaches the evaluator and
    // the threshold editor alike, both audit-logged.
    auto *replayControl = new KafkaReplayControl(m_config, SchemaEnforcer::bundled());
    auto *replay = new ReplayPanel(replayControl, settings.thresholds, AuditTrail());
    replayControl->setParent(replay);
    m_window->addArea(QObject::tr("Replay"), replay);
    ThresholdEditor *editor = m_thresholdEditor;
    QObject::connect(replay, &ReplayPanel::thresholdsApplied, job, &EvaluatorJob::setThresholds);
    QObject::connect(replay, &ReplayPanel::thresholdsApplied, editor,
                     [editor](std::shared_ptr<const ThresholdSet> set) { editor->rules()->setApplied(std::move(set)); });
    QObject::connect(editor, &ThresholdEditor::thresholdsApplied, replay, &ReplayPanel::setLiveThresholds);
    m_evaluatorThread = std::make_unique<WorkerThread>(job, QStringLiteral("evaluator"));
}

void Console::watchClientStatistics(KafkaWorker *worker)
{
    QObject::connect(worker, &KafkaWorker::statisticsUpdated, m_clusterHealth, &ClusterHealthView::showClientStatistics);
}

void Console::startTopics()
{
    auto *topics = new TopicBrowser;
    auto *messages = new MessageBrowserView;
    auto *lag = new ConsumerLagView;
    ClusterHealthView *health = m_clusterHealth;
    m_window->addArea(QObject::tr("Topics"), topics);
    m_window->addArea(QObject::tr("Messages"), messages);
    m_window->addArea(QObject::tr("Consumer lag"), lag);
    m_window->addArea(QObject::tr("Cluster health"), health);

    InspectorSettings settings;
    settings.config = m_config;
    auto *inspector = new ClusterInspector(settings);
    watchClientStatistics(inspector);
    QObject::connect(inspector, &ClusterInspector::snapshotReady, topics, &TopicBrowser::showSnapshot);
    QObject::connect(inspector, &ClusterInspector::snapshotReady, messages, &MessageBrowserView::showSnapshot);
    QObject::connect(inspector, &ClusterInspector::snapshotReady, lag, &ConsumerLagView::showSnapshot);
    QObject::connect(inspector, &ClusterInspector::snapshotReady, health, &ClusterHealthView::showSnapshot);
    QObject::connect(inspector, &ClusterInspector::refreshIntervalChanged, lag, &ConsumerLagView::setRefreshIntervalShown);
    QObject::connect(lag, &ConsumerLagView::groupAdded, inspector, &ClusterInspector::addGroup);
    QObject::connect(lag, &ConsumerLagView::groupRemoved, inspector, &ClusterInspector::removeGroup);
    QObject::connect(lag, &ConsumerLagView::refreshIntervalChanged, inspector, &ClusterInspector::setRefreshInterval);
    QObject::connect(lag, &ConsumerLagView::alertsChanged, health, &ClusterHealthView::showAlerts);
    QObject::connect(inspector, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_inspectorThread = std::make_unique<WorkerThread>(inspector, QStringLiteral("cluster inspector"));

    // Avro values decode by the current catalog (m_decodingSchemas); what is produced must fit the bundled schemas.
    BrowserSettings browserSettings;
    browserSettings.config = m_config;
    browserSettings.enforcer = SchemaEnforcer::bundled();
    browserSettings.schemas = [decoding = m_decodingSchemas](int id) -> std::optional<std::string> {
        if (const CatalogEntry *entry = decoding->get()->byId(id))
            return entry->schemaText.toStdString();
        return std::nullopt;
    };
    auto *browser = new MessageBrowser(browserSettings);
    QObject::connect(messages, &MessageBrowserView::browseRequested, browser, &MessageBrowser::browse);
    QObject::connect(messages, &MessageBrowserView::pageForwardRequested, browser, &MessageBrowser::pageForward);
    QObject::connect(messages, &MessageBrowserView::pageBackwardRequested, browser, &MessageBrowser::pageBackward);
    QObject::connect(messages, &MessageBrowserView::filterRequested, browser, &MessageBrowser::filter);
    // Direct: the flag is atomic, and a queued cancel would wait behind the scan it is meant to stop.
    QObject::connect(messages, &MessageBrowserView::filterCancelRequested, browser,
                     [browser](quint64 requestId) { browser->requestCancel(requestId); }, Qt::DirectConnection);
    QObject::connect(messages, &MessageBrowserView::fullValueRequested, browser, &MessageBrowser::loadFullValue);
    QObject::connect(messages, &MessageBrowserView::produceRequested, browser, &MessageBrowser::produce);
    QObject::connect(messages, &MessageBrowserView::republishRequested, browser, &MessageBrowser::republish);
    QObject::connect(browser, &MessageBrowser::pageReady, messages, &MessageBrowserView::showPage);
    QObject::connect(browser, &MessageBrowser::filterProgress, messages, &MessageBrowserView::showFilterProgress);
    QObject::connect(browser, &MessageBrowser::fullValueLoaded, messages, &MessageBrowserView::showFullValue);
    QObject::connect(browser, &MessageBrowser::produced, messages, &MessageBrowserView::showProduced);
    QObject::connect(browser, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_browserThread = std::make_unique<WorkerThread>(browser, QStringLiteral("message browser"));
}

void Console::startIngest(const CommandLine &line)
{
    m_ingestView = new IngestView;
    m_window->addArea(QObject::tr("Ingest"), m_ingestView);
    if (!line.ingest.any())
        return;
    m_ingest = std::make_unique<IngestSources>(line.ingest, m_config);
    QObject::connect(m_ingest.get(), &IngestSources::statusesChanged, m_ingestView, &IngestView::showStatuses);
    QObject::connect(m_ingest.get(), &IngestSources::webhookListening, m_ingestView, &IngestView::setWebhook);
    QObject::connect(m_ingest.get(), &IngestSources::webhookFailed, m_ingestView, &IngestView::showProblem);
    QObject::connect(m_ingest.get(), &IngestSources::errorOccurred, m_status.get(),
                     [this](const QString &source, const ClientError &error) {
        ClientError said = error;
        said.message = QObject::tr("FHIR ingest (%1): %2").arg(source, error.message);
        m_status->recordError(said);
    });
    if (line.ingest.poller)
        m_ingestView->setPoller(line.ingest.poller->server.base.toString());
}

void Console::startSchemas(const CommandLine &line)
{
    auto *viewer = new SchemaViewer(SchemaCatalog::bundled());
    m_window->addArea(QObject::tr("Schemas"), viewer);
    if (line.schemaRegistry.isEmpty())
        return;
    SchemaRegistrySettings settings;
    settings.url = line.schemaRegistry.adjusted(QUrl::RemoveUserInfo);
    settings.user = line.schemaRegistry.userName();
    settings.password = line.schemaRegistry.password();
    // The client lives on a thread of its own; every request is queued to it.
    m_registryThread = std::make_unique<QThread>();
    m_registryThread->setObjectName(QStringLiteral("schema registry"));
    auto *registry = new SchemaRegistryClient(settings);
    registry->moveToThread(m_registryThread.get());
    QObject::connect(m_registryThread.get(), &QThread::finished, registry, &QObject::deleteLater);
    m_registryThread->start();
    viewer->setRegistryAvailable(true, settings.url.toDisplayString());
    QObject::connect(viewer, &SchemaViewer::registryCheckRequested, registry,
                     [registry](const QString &subject, const QString &schema, CompatibilityMode mode) {
                         const bool transitive = mode == CompatibilityMode::BackwardTransitive
                                                 || mode == CompatibilityMode::ForwardTransitive
                                                 || mode == CompatibilityMode::FullTransitive;
                         // The registry judges by the subject's own level, against the latest or every version.
                         registry->checkCompatibility(1, subject, transitive ? QString() : QStringLiteral("latest"), schema);
                     });
    QObject::connect(registry, &SchemaRegistryClient::compatibilityChecked, viewer,
                     [viewer](quint64, const QString &, bool compatible, const QStringList &messages) {
                         viewer->setRegistryVerdict(compatible ? QObject::tr("compatible")
                                                               : QObject::tr("incompatible: %1").arg(messages.join(QStringLiteral("; "))),
                                                    compatible);
                     });
    QObject::connect(registry, &SchemaRegistryClient::failed, viewer, [viewer](quint64 requestId, const SchemaRegistryError &error) {
        if (requestId == CatalogRequest)
            viewer->setSource(QObject::tr("Bundled schemas: the registry could not be read (%1)").arg(error.meaning), true);
        else
            viewer->setRegistryVerdict(QObject::tr("the registry could not answer: %1").arg(error.meaning), false);
    });
    // The viewer shows what the registry holds, its subjects' own levels included.
    const QString registryName = settings.url.toDisplayString();
    QObject::connect(registry, &SchemaRegistryClient::catalogFetched, viewer,
                     [viewer, registryName, decoding = m_decodingSchemas](quint64, const SchemaCatalog &catalog,
                                                                          const QStringList &problems) {
                         const QStringList unread = problems + catalog.errors();
                         const QString why = unread.join(QStringLiteral("; "));
                         if (catalog.isEmpty()) {
                             viewer->setSource(QObject::tr("Bundled schemas: the registry at %1 holds none Vigil can read").arg(registryName)
                                                   + (why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why)),
                                               true);
                             return;
                         }
                         decoding->set(catalog);
                         viewer->setCatalog(catalog);
                         viewer->setSource(QObject::tr("From the registry at %1").arg(registryName)
                                               + (why.isEmpty() ? QString() : QObject::tr(" · not read: %1").arg(why)),
                                           !why.isEmpty());
                     });
    QMetaObject::invokeMethod(registry, [registry] { registry->fetchCatalog(CatalogRequest); }, Qt::QueuedConnection);
}

void Console::startWalls(const CommandLine &line)
{
    m_wallState = std::make_unique<WallState>(line.wall.options);
    m_wallState->board().setDefaultPolicy(line.wall.defaultPolicy);
    for (const auto &[unit, policy] : line.wall.unitPolicies)
        m_wallState->board().setPolicy(unit, policy);
    m_unitOverview = std::make_unique<UnitOverviewModel>();
    m_window->dashboard()->addPanel(new UnitOverviewView(m_unitOverview.get()));
    auto *setup = new WallSetupView(m_unitOverview.get());
    setup->setBootstrap(m_config.bootstrapServers());
    m_window->addArea(QObject::tr("Wall displays"), setup);
    QObject::connect(setup, &WallSetupView::openRequested, setup, [this](const QString &unit) { openWallDisplay(unit); });

    m_wallService = std::make_unique<WallService>(m_config, m_wallState.get());
    QObject::connect(m_wallService.get(), &WallService::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    serveWallFeed(line.wall, setup);

    auto *timer = new QTimer(m_wallState.get());
    QObject::connect(timer, &QTimer::timeout, m_wallState.get(), [this] { everySecond(); });
    timer->start(1000);
}

void Console::serveWallFeed(const CommandLine::Wall &wall, WallSetupView *setup)
{
    if (!wall.serve) {
        setup->setFeed({}, {}, QObject::tr("The wall feed is off (--serve-wall off)."));
        return;
    }
    m_wallToken = wall.token.isEmpty() ? newToken() : wall.token;
    WallFeedServerOptions options;
    options.labels = wall.options.labels; // a display receives as much of the MRN as the board shows
    options.fullIdentifiers = wall.fullIdentifiers;
    if (!wall.certificate.isEmpty()) {
        QString error;
        options.tls = WallFeedServer::tlsFrom(wall.certificate, wall.key, &error);
        if (!options.tls) {
            setup->setFeed({}, {}, QObject::tr("The wall feed is off: %1").arg(error));
            return;
        }
    }
    auto *access = new DisplayAccessView;
    setup->addSection(access);
    try {
        m_displayTokens = std::make_shared<DisplayTokens>();
        access->showDisplays(m_displayTokens->tokens());
    } catch (const DisplayTokenError &error) { // displays with their own tokens cannot connect; said
        access->setProblem(QString::fromUtf8(error.what()));
    }
    options.displays = m_displayTokens;
    m_wallFeed = std::make_unique<WallFeedServer>(m_wallToken, options);
    if (!m_wallFeed->listen(wall.serveAddress, wall.servePort)) {
        setup->setFeed({}, {}, QObject::tr("The wall feed could not listen on %1:%2: %3")
                                   .arg(wall.serveAddress.toString()).arg(wall.servePort).arg(m_wallFeed->errorString()));
        m_wallFeed.reset();
        return;
    }
    setup->setFeed(m_wallFeed->url().toString(), m_wallToken, {});
    if (m_displayTokens)
        manageDisplayTokens(access);
    if (wall.fullIdentifiers) // a reveal to every remote display: said where the operators look
        qCWarning(lcWallFeed) << "the wall feed sends full patient identifiers (--wall-full-identifiers)";
    WallState *state = m_wallState.get();
    m_wallFeed->setSnapshotProvider([state] {
        return WallSnapshot{state->board().all(), state->census().all(), state->health(now())};
    });
    QObject::connect(m_wallService.get(), &WallService::batchApplied, m_wallFeed.get(), [this](const WallBatch &batch) {
        if (!batch.alerts.empty())
            m_wallFeed->publishAlerts(batch.alerts);
        m_censusChanged = m_censusChanged || !batch.adt.empty();
    });
    QObject::connect(m_wallFeed.get(), &WallFeedServer::actionRequested, m_wallFeed.get(),
                     [this](const AlertAction &action, int requestKey) {
                         m_wallService->perform(action, [feed = m_wallFeed.get(), requestKey](bool ok, const QString &error) {
                             feed->answerAction(requestKey, ok, error);
                         });
                     });
}

// Letting a display in and revoking one: audited first (neither happens if the audit trail cannot
// take it), then done; a revoked display is dropped at once and shown why.
void Console::manageDisplayTokens(DisplayAccessView *access)
{
    const auto audited = [access](const char *action, const QString &name) {
        try {
            AuditTrail().append({QString::fromLatin1(action), {{"display", name.toStdString()}}, {}, {}}, now());
            return true;
        } catch (const std::exception &error) {
            access->setProblem(QObject::tr("Not done: %1").arg(QString::fromUtf8(error.what())));
            return false;
        }
    };
    QObject::connect(access, &DisplayAccessView::letInRequested, access, [this, access, audited](const QString &name) {
        if (!audited("display-token-add", name))
            return;
        try {
            const QString token = m_displayTokens->add(name, now());
            access->setProblem({});
            access->showNewToken(name, token, m_wallFeed->url().toString());
        } catch (const DisplayTokenError &error) {
            access->setProblem(QString::fromUtf8(error.what()));
        }
        access->showDisplays(m_displayTokens->tokens());
    });
    QObject::connect(access, &DisplayAccessView::revokeRequested, access, [this, access, audited](const QString &name) {
        if (!audited("display-token-revoke", name))
            return;
        try {
            m_displayTokens->revoke(name, now());
            m_wallFeed->dropDisplay(name, QObject::tr("this display's access was revoked at the console"));
            access->setProblem({});
        } catch (const DisplayTokenError &error) {
            access->setProblem(QString::fromUtf8(error.what()));
        }
        access->showDisplays(m_displayTokens->tokens());
    });
}

void Console::everySecond()
{
    const qint64 at = now();
    m_wallState->expire(at);
    m_unitOverview->setSummaries(m_wallState->board().summaries(m_wallState->census(), at));
    if (!m_wallFeed)
        return;
    m_wallFeed->setFeedHealth(m_wallState->health(at));
    if (m_censusChanged) // at most once a second, however busy admissions are
        m_wallFeed->publishCensus(m_wallState->census().all());
    m_censusChanged = false;
}

WallWindow *Console::openWallDisplay(const QString &unit)
{
    WallWindowOptions options;
    options.unit = unit.toStdString();
    options.source = QObject::tr("this console");
    auto window = std::make_unique<WallWindow>(m_wallState.get(), options);
    WallWindow *display = window.get();
    QObject::connect(display, &WallWindow::actionRequested, display, [this, display](const AlertAction &action) {
        const QString id = QString::fromStdString(action.alertId);
        m_wallService->perform(action, [display, id](bool ok, const QString &error) { display->actionAnswered(id, ok, error); });
    });
    QObject::connect(display, &WallWindow::leaveRequested, display, &QWidget::close);
    display->resize(1280, 720);
    display->show();
    m_wallWindows.push_back(std::move(window));
    return display;
}

Console::~Console()
{
    m_ingest.reset(); // the FHIR sources stop taking events first; their publishers finish what they hold
    // Every worker is told at once and waited for on one deadline (quitting takes as long as the
    // slowest, not the sum); the cluster, the window and the models outlive the workers that post to them.
    std::vector<WorkerThread *> workers{m_simulatorThread.get(), m_evaluatorThread.get(), m_browserThread.get(),
                                        m_inspectorThread.get(), m_feedThread.get(), m_auditThread.get()};
    if (m_wallService) {
        const auto wall = m_wallService->workers();
        workers.insert(workers.end(), wall.begin(), wall.end());
    }
    if (m_registryThread)
        m_registryThread->quit();
    WorkerThread::stopAll(workers);
    m_wallService.reset();
    if (m_registryThread)
        m_registryThread->wait(QDeadlineTimer(1000));
    if (!m_clusterHealth->parent()) // the cluster never answered, so its area was never added
        delete m_clusterHealth;
    // After the workers: the local cluster stops (if this console is its last user) once nobody reads it.
    if (m_localThread) {
        m_localThread->quit();
        m_localThread->wait();
    }
}
