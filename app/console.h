#pragma once

#include "commandline.h"

#include <QThread>

#include <memory>
#include <vector>

class ClusterStatus;
class DeadLetterModel;
class PipelineHealth;
class ThresholdEditor;
class MockCluster;
class FeedModel;
class MainWindow;
class UnitOverviewModel;
class WallFeedServer;
class WallService;
class WallState;
class WallWindow;
class WorkerThread;
class ClusterHealthView;
class SharedCatalog;
class KafkaWorker;
class IngestSources;
class IngestView;

// The composition root of the desktop console: the cluster (the local one, the mock, or one named
// by --bootstrap), the workers on their threads, the models on the GUI thread, and the window,
// wired by queued signals. The window opens at once; with the local cluster the workers start when
// it answers (bootstrapServers() is empty until then).
class Console {
public:
    // Throws std::runtime_error when the mock cluster cannot start.
    explicit Console(const CommandLine &line);
    ~Console();

    MainWindow *window() const { return m_window.get(); }
    FeedModel *feed() const { return m_feed.get(); }
    ClusterStatus *status() const { return m_status.get(); }
    PipelineHealth *pipelineHealth() const { return m_pipelineHealth.get(); }
    ThresholdEditor *thresholdEditor() const { return m_thresholdEditor; }
    QString bootstrapServers() const { return m_config.bootstrapServers(); }
    WallState *wallState() const { return m_wallState.get(); }
    WallFeedServer *wallFeed() const { return m_wallFeed.get(); }
    IngestView *ingestView() const { return m_ingestView; }
    QString wallToken() const { return m_wallToken; }
    // A wall display of `unit` in a window of its own, fed by this console's view of the cluster.
    WallWindow *openWallDisplay(const QString &unit);

private:
    CommandLine m_line;
    ClientConfig m_config;
    std::unique_ptr<MockCluster> m_mock;
    std::unique_ptr<QThread> m_localThread; // runs LocalClusterRunner
    std::unique_ptr<FeedModel> m_feed;
    std::unique_ptr<ClusterStatus> m_status;
    std::unique_ptr<PipelineHealth> m_pipelineHealth;
    std::unique_ptr<DeadLetterModel> m_deadLetters;
    std::unique_ptr<class Keychain> m_keychain; // outlives the Connections area, which the window owns
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<WorkerThread> m_feedThread;
    std::unique_ptr<WorkerThread> m_auditThread; // AuditShipper
    std::unique_ptr<WorkerThread> m_simulatorThread;
    std::unique_ptr<class EvaluatorInstances> m_evaluatorInstance;
    std::unique_ptr<WorkerThread> m_evaluatorThread;
    ThresholdEditor *m_thresholdEditor = nullptr; // owned by the window
    ClusterHealthView *m_clusterHealth = nullptr;  // owned by the window once its area is added
    std::unique_ptr<WallState> m_wallState;
    std::unique_ptr<UnitOverviewModel> m_unitOverview;
    std::unique_ptr<WallService> m_wallService;
    std::unique_ptr<WallFeedServer> m_wallFeed;
    QString m_wallToken;
    std::shared_ptr<class DisplayTokens> m_displayTokens; // shared with the feed server, which only reads it
    bool m_censusChanged = false;
    std::vector<std::unique_ptr<WallWindow>> m_wallWindows;
    std::unique_ptr<QThread> m_registryThread;
    std::shared_ptr<SharedCatalog> m_decodingSchemas;
    std::unique_ptr<WorkerThread> m_inspectorThread;
    std::unique_ptr<WorkerThread> m_browserThread;
    std::unique_ptr<IngestSources> m_ingest;
    IngestView *m_ingestView = nullptr; // owned by the window

    void startMock(const QString &why);
    void startConnections();
    void startLocal();
    // Everything that needs the cluster: feed, evaluator, walls, browsers, simulator.
    void connectCluster(const QString &clusterName, const QString &notice, bool alarming = false);
    void startEvaluator(const CommandLine &line);
    void startWalls(const CommandLine &line);
    void startSchemas(const CommandLine &line);
    void startTopics();
    void startIngest(const CommandLine &line);
    void watchClientStatistics(KafkaWorker *worker);
    void serveWallFeed(const CommandLine::Wall &wall, class WallSetupView *setup);
    void manageDisplayTokens(class DisplayAccessView *access);
    void everySecond();
};
