#pragma once

#include <QString>

// Minimum-necessary display of a patient identifier (DESIGN.md rule 6):
// all but the last few characters are hidden, "pat-000123" -> "•••••••123".
QString maskedPatientId(const QString &patientId, int visibleTail = 3);
