#pragma once

#include <QString>

#include <stdexcept>

// Why the local cluster cannot run here, with the one command that fixes it.
class LocalClusterError : public std::runtime_error {
public:
    enum class Kind {
        MissingJava,  // no Java 17+ on PATH
        MissingKafka, // the broker jars are not fetched yet
        Failed,       // it was there but did not start, stop or answer
    };
    LocalClusterError(Kind kind, const QString &message, const QString &fix = {});

    Kind kind() const { return m_kind; }
    QString fix() const { return m_fix; }

private:
    Kind m_kind;
    QString m_fix;
};

// Where the local cluster's Apache Kafka comes from: the broker's jars from Maven Central in the
// cache that packaging/quickstart (tests/realkafka/fetch-kafka) fills, run by the machine's Java 17+.
// The same cache as the test fixture: VIGIL_KAFKA_CACHE, else $XDG_CACHE_HOME/vigil, else
// ~/.cache/vigil; version VIGIL_KAFKA_VERSION (default 4.1.2).
struct KafkaDistribution {
    QString version;
    QString libsDir; // holds the jars and the fetch's `.complete` marker
    QString java;    // absolute path
    int javaMajor = 0;

    static QString defaultVersion();
    static QString cacheLibsDir(const QString &version);
    // Java's major version from the first line of `java -version` ("17.0.15", "1.8.0_392"); 0 if unknown.
    static int javaMajorFrom(const QString &versionLine);

    // Runs `java -version` (about 100 ms). Throws LocalClusterError (MissingJava, MissingKafka).
    static KafkaDistribution find();
};
