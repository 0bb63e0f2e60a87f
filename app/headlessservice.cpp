#include "headlessservice.h"

#include "evaluatorinstances.h"
#include "ingestsources.h"
#include "localclusterrunner.h"
#include "local/mockcluster.h"
#include "jobs/evaluatorjob.h"
#include "jobs/simulatorpublisher.h"
#include "client/workerthread.h"

#include <QCoreApplication>
#include <QHash>
#include <QTimer>
#include <QTextStream>

namespace {

// Workers say each distinct failure once with a count (WarningThrottle), so this cannot flood.
// Connected to the application object: the exit runs on the main thread's event loop.
void reportErrors(KafkaWorker *worker, const QString &name)
{
    QObject::connect(worker, &KafkaWorker::errorOccurred, QCoreApplication::instance(), [name](const ClientError &error) {
        QTextStream(stderr) << "vigil: " << name << (error.fatal ? " stopped: " : ": ") << error.message << Qt::endl;
        if (error.fatal) {
            QTextStream(stderr) << "vigil: exiting with status 1 so that a supervisor can restart the service" << Qt::endl;
            QCoreApplication::exit(1);
        }
    });
}

// Each source's row when what it says changes (not its counts): a log, not a dashboard.
void reportIngest(IngestSources *sources)
{
    QObject::connect(sources, &IngestSources::webhookListening, QCoreApplication::instance(), [](quint16 port, bool tls) {
        QTextStream(stderr) << "vigil ingest: webhook listening on " << (tls ? "https" : "http") << "://*:" << port
                            << "/fhir-webhook" << Qt::endl;
    });
    QObject::connect(sources, &IngestSources::webhookFailed, QCoreApplication::instance(), [](const QString &error) {
        QTextStream(stderr) << "vigil ingest: " << error << Qt::endl;
        QCoreApplication::exit(1);
    });
    QObject::connect(sources, &IngestSources::errorOccurred, QCoreApplication::instance(),
                     [](const QString &source, const ClientError &error) {
        QTextStream(stderr) << "vigil ingest: " << source << (error.fatal ? " stopped: " : ": ") << error.message << Qt::endl;
        if (error.fatal)
            QCoreApplication::exit(1);
    });
    // A row's error when it changes; every row once a minute (states change with every page).
    auto said = std::make_shared<QHash<QString, QString>>();
    auto latest = std::make_shared<IngestStatuses>();
    QObject::connect(sources, &IngestSources::statusesChanged, QCoreApplication::instance(),
                     [said, latest](const IngestStatuses &rows) {
        *latest = rows;
        for (const IngestSourceStatus &row : rows) {
            QString &before = (*said)[row.source + u' ' + row.name];
            if (row.lastError == before)
                continue;
            before = row.lastError;
            QTextStream(stderr) << "vigil ingest: " << row.source << ' ' << row.name << ": " << row.lastError << Qt::endl;
        }
    });
    auto *minute = new QTimer(sources);
    QObject::connect(minute, &QTimer::timeout, sources, [latest] {
        for (const IngestSourceStatus &row : *latest)
            QTextStream(stderr) << "vigil ingest: " << row.source << ' ' << row.name << ": " << row.state << " ("
                                << row.events << " events, " << row.eventsPerMinute << " in the last minute)" << Qt::endl;
    });
    minute->start(60'000);
}

} // namespace

HeadlessService::HeadlessService(const CommandLine &line) : m_config(line.config)
{
    m_description = m_config.bootstrapServers();
    if (line.cluster == CommandLine::Cluster::Local) {
        LocalClusterOptions options;
        options.dataDir = line.dataDir;
        options.nodes = line.brokers ? line.brokers : line.dataDir.isEmpty() ? 1 : 0;
        options.role = LocalClusterRole::Broker;
        options.secured = line.secured;
        QTextStream err(stderr);
        try {
            m_local = std::make_unique<LocalCluster>(KafkaDistribution::find(), options);
            m_local->open([&err](const QString &step) { err << "vigil broker: " << step << Qt::endl; });
            m_config.setBootstrapServers(m_local->bootstrapServers());
            m_description = LocalClusterRunner::describe(*m_local);
            if (line.secured && m_local->saslBootstrap().isEmpty())
                err << "vigil broker: the running local cluster was started without --secured; stop it and start it "
                       "with --secured for its SASL_SSL and mTLS listeners" << Qt::endl;
            else if (line.secured)
                err << "vigil broker: SASL_SSL (user vigil, PLAIN or SCRAM-SHA-512) at " << m_local->saslBootstrap()
                    << ", mTLS at " << m_local->mtlsBootstrap() << "; client properties: " << m_local->securedDir()
                    << "/sasl_ssl.properties and mtls.properties (kcat -F, vigil --config)" << Qt::endl;
            if (m_local->startedHere())
                for (const QString &failure : LocalClusterRunner::provisionTopics(m_local->bootstrapServers()))
                    err << "vigil broker: " << failure << Qt::endl;
        } catch (const LocalClusterError &error) {
            if (error.kind() == LocalClusterError::Kind::Failed)
                throw;
            err << "vigil broker: " << error.what() << "\n  For the real local cluster: " << error.fix()
                << "\n  Running librdkafka's mock cluster instead (in memory, with the limits the README lists)." << Qt::endl;
        }
    }
    if (line.cluster == CommandLine::Cluster::Mock || (line.cluster == CommandLine::Cluster::Local && !m_local)) {
        m_mock = std::make_unique<MockCluster>(line.brokerCount());
        m_config.setBootstrapServers(m_mock->bootstrapServers());
        m_description = QStringLiteral("mock cluster (%1 brokers, in memory)").arg(line.brokerCount());
    }
    if (line.simulate) {
        auto *simulator = new SimulatorPublisher(line.simulatorSettings(m_config));
        reportErrors(simulator, QStringLiteral("simulator"));
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
    if (line.evaluate) {
        m_instances = std::make_unique<EvaluatorInstances>(line.instance, line.threads);
        for (const QString &name : m_instances->names()) {
            auto *evaluator = new EvaluatorJob(line.evaluatorSettings(m_config, name));
            reportErrors(evaluator, QStringLiteral("evaluator ") + name);
            m_evaluatorThreads.push_back(std::make_unique<WorkerThread>(evaluator, QStringLiteral("evaluator ") + name));
        }
        QTextStream(stderr) << "vigil: evaluator instance" << (m_instances->names().size() > 1 ? "s " : " ")
            << m_instances->names().join(QStringLiteral(", ")) << " in group vigil-evaluator" << Qt::endl;
    }
    if (line.ingest.any()) {
        m_ingest = std::make_unique<IngestSources>(line.ingest, m_config);
        reportIngest(m_ingest.get());
    }
}

HeadlessService::~HeadlessService()
{
    m_ingest.reset(); // its sources stop taking events before the cluster goes
    std::vector<WorkerThread *> workers{m_simulatorThread.get()};
    for (const auto &thread : m_evaluatorThreads)
        workers.push_back(thread.get());
    WorkerThread::stopAll(workers);
    m_local.reset(); // stops the cluster this broker started, after its workers
}
