#pragma once

#include "commandline.h"

#include <map>
#include <memory>

class WallFeedClient;
class WallService;
class WallState;
class WallWindow;

// `vigil --wall`: one nurse-station display. It reads Kafka itself (--bootstrap) or shows a
// console's WebSocket feed (--feed) and then holds no Kafka credentials; acknowledge and resolve
// go back the way the data came.
class WallDisplay {
public:
    explicit WallDisplay(const CommandLine &line);
    ~WallDisplay();

    WallWindow *window() const { return m_window.get(); }

private:
    void connectFeed(const CommandLine::Wall &wall);

    std::unique_ptr<WallState> m_state;
    std::unique_ptr<WallWindow> m_window;
    std::unique_ptr<WallService> m_service;
    std::unique_ptr<WallFeedClient> m_client;
    std::map<int, QString> m_requests; // feed request number -> alert id
};
