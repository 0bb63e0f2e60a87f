#pragma once

#include "clinical/alert.h"
#include "wall/wallfeed.h"

#include <QByteArray>

#include <string>
#include <string_view>
#include <vector>

class UnitCensus;

// Who a remote wall display is, as far as what it may receive goes.
struct WallAudience {
    std::string unit;             // the unit the display stands in; empty: the overview only
    bool fullIdentifiers = false; // the console's --wall-full-identifiers: records as they are
    PatientLabelPolicy labels;    // what the board's patient label shows; the MRN is cut to that
};

// What one remote display receives of a console's board (DESIGN.md rule 6, minimum necessary):
// - the census rows of its unit, and the alerts whose AlertBoard::unitOf() is its unit (so alerts
//   of unit "", patients on no census whose alert names no ward, reach no display);
// - the MRN cut to the last labels.mrnDigits characters (none for 0), initials only if the label
//   shows them;
// - patient and encounter ids replaced by pseudonyms, stable for the key (one per console run), that
//   end in the characters patientLabel() shows of an id ("id …123"): a display still joins alerts to
//   census rows and shows the same label. An id of at most that many characters is shown whole by
//   the label, and so is sent as it is;
// - no observation id and no source coordinates on alerts.
// With fullIdentifiers the records go as they are, still of the one unit. A display without a unit
// gets neither census rows nor alerts. Pure: the same input gives the same output.
class WallFeedView {
public:
    WallFeedView(WallAudience audience, QByteArray pseudonymKey);

    static QByteArray newPseudonymKey(); // 32 random bytes, for one console run

    const WallAudience &audience() const { return m_audience; }
    bool isOverview() const { return m_audience.unit.empty(); }

    // From the console's whole census.
    std::vector<CensusEntry> census(const std::vector<CensusEntry> &census) const;
    // `census` is the console's whole census: it places each alert in its unit.
    std::vector<Alert> alerts(const std::vector<Alert> &alerts, const UnitCensus &census) const;

    CensusEntry masked(const CensusEntry &entry) const;
    Alert masked(const Alert &alert) const;
    std::string pseudonym(std::string_view id) const; // "" stays ""

private:
    WallAudience m_audience;
    QByteArray m_key;
};
