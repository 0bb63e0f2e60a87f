#pragma once

#include "clinical/alert.h"

#include <QColor>
#include <QString>

// The wall display's dark high-contrast palette: white on near-black, escalation in amber then red,
// acknowledged rows calm blue-grey. Colours carry meaning together with words, never alone.
namespace WallTheme {
QColor background();
QColor text();
QColor secondaryText();
QColor calmText();
QColor warningText();
QColor highlight();
QColor banner();
QColor rowBackground(AlertState state, int escalation);
QColor value(AlertSeverity severity, bool active);
QColor actionBackground(AlertState state);
QColor actionText();
} // namespace WallTheme

// A wait or an age as a nurse reads it at a glance: "45 s", "12 min", "2 h 05 min".
QString wallDuration(qint64 ms);
