#pragma once

#include "base/kafkarecord.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>

enum class ExportFormat : std::uint8_t { JsonLines, Csv };

// Writes a replayed range as rows for analysts: one row per record with where it was and the FHIR
// summary fields (resource type and id, status, LOINC, value, unit, times, the feed's one-line summary).
// A record that is not a FHIR event still gets its row, with the reason in `error`.
// Patient identifiers (the key, patient_id) are masked unless asked for (DESIGN.md rule 6).
class ReplayExport {
public:
    explicit ReplayExport(ExportFormat format, bool includePatientIds = false);

    ExportFormat format() const { return m_format; }
    // The CSV header line with its line break; empty for JSON Lines.
    QByteArray header() const;
    // One row, ending in a line break ("\r\n" for CSV as RFC 4180 has it, "\n" for JSON Lines).
    QByteArray row(const KafkaRecord &record) const;

    static QStringList columns();
    // A CSV field as RFC 4180 wants it: quoted when it holds a comma, quote, CR, LF or edge spaces, with
    // quotes doubled. A text cell that a spreadsheet would run as a formula (=, +, -, @ and not a number)
    // gets a leading apostrophe first.
    static QString csvField(const QString &text);
    // Fields joined into one CSV line with "\r\n".
    static QByteArray csvLine(const QStringList &fields);

private:
    ExportFormat m_format;
    bool m_includePatientIds;
};
