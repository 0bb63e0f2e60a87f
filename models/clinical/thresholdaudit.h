#pragma once

#include "audit/audittrail.h"

class ThresholdSet;

// The audit entry of a threshold change made live: who typed their name, why, and the set before and after.
AuditAction thresholdChange(const QString &who, const QString &reason, const ThresholdSet &before, const ThresholdSet &after);
