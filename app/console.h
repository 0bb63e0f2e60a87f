#pragma once

#include "commandline.h"

#include <memory>

class ClusterStatus;
class DeadLetterModel;
class PipelineHealth;
class ThresholdEditor;
class EmbeddedCluster;
class FeedModel;
class MainWindow;
class WorkerThread;

// The composition root of the desktop console: the cluster (embedded or real), the workers on
// their threads, the models on the GUI thread, and the window, wired by queued signals.
class Console {
public:
    // Throws std::runtime_error when the embedded cluster cannot start.
    explicit Console(const CommandLine &line);
    ~Console();

    MainWindow *window() const { return m_window.get(); }
    FeedModel *feed() const { return m_feed.get(); }
    ClusterStatus *status() const { return m_status.get(); }
    PipelineHealth *pipelineHealth() const { return m_pipelineHealth.get(); }
    ThresholdEditor *thresholdEditor() const { return m_thresholdEditor; }
    QString bootstrapServers() const { return m_config.bootstrapServers(); }

private:
    ClientConfig m_config;
    std::unique_ptr<EmbeddedCluster> m_cluster;
    std::unique_ptr<FeedModel> m_feed;
    std::unique_ptr<ClusterStatus> m_status;
    std::unique_ptr<PipelineHealth> m_pipelineHealth;
    std::unique_ptr<DeadLetterModel> m_deadLetters;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<WorkerThread> m_feedThread;
    std::unique_ptr<WorkerThread> m_simulatorThread;
    std::unique_ptr<WorkerThread> m_evaluatorThread;
    ThresholdEditor *m_thresholdEditor = nullptr; // owned by the window

    void startEvaluator(const CommandLine &line);
};
