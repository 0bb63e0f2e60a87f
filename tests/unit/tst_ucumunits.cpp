#include "clinical/ucumunits.h"

#include <QtTest>

#include <cmath>

namespace {

std::string text(const QString &value)
{
    return value.toStdString();
}

} // namespace

class TestUcumUnits final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownUnits_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("known");
        for (const char *code : {"mmol/L", "mg/dL", "umol/L", "g/dL", "g/L", "10*9/L", "10*3/uL", "mm[Hg]", "kPa",
                                 "ng/mL", "ng/L", "meq/L", "[pH]", "{INR}"})
            QTest::newRow(code) << code << true;
        // UCUM codes are case-sensitive; these are display forms or typos, never guessed.
        QTest::newRow("lower-case litre") << "mmol/l" << false;
        QTest::newRow("mEq/L") << "mEq/L" << false;
        QTest::newRow("MG/DL") << "MG/DL" << false;
        QTest::newRow("micro sign") << "\u00b5mol/L" << false;
        QTest::newRow("mmHg") << "mmHg" << false;
        QTest::newRow("enzyme unit") << "U/L" << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("trailing space") << "mmol/L " << false;
    }
    void knownUnits()
    {
        QFETCH(QString, code);
        QFETCH(bool, known);
        QCOMPARE(UcumUnits::isKnownUnit(text(code)), known);
    }

    void conversions_data()
    {
        QTest::addColumn<QString>("loinc");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<double>("expected");
        QTest::newRow("glucose mg/dL to mmol/L") << "2345-7" << 450.0 << "mg/dL" << "mmol/L" << 450.0 / 18.016;
        QTest::newRow("glucose mmol/L to mg/dL") << "2345-7" << 2.8 << "mmol/L" << "mg/dL" << 2.8 * 18.016;
        QTest::newRow("blood glucose") << "2339-0" << 18.016 << "mg/dL" << "mmol/L" << 1.0;
        QTest::newRow("glucose moles code") << "14749-6" << 25.0 << "mmol/L" << "mg/dL" << 450.4;
        QTest::newRow("blood glucose moles code") << "15074-8" << 90.08 << "mg/dL" << "mmol/L" << 5.0;
        QTest::newRow("lactate mg/dL to mmol/L") << "2524-7" << 36.032 << "mg/dL" << "mmol/L" << 4.0;
        QTest::newRow("blood lactate mmol/L to mg/dL") << "32693-4" << 2.0 << "mmol/L" << "mg/dL" << 18.016;
        QTest::newRow("creatinine mg/dL to umol/L") << "2160-0" << 1.0 << "mg/dL" << "umol/L" << 88.4;
        QTest::newRow("creatinine umol/L to mg/dL") << "2160-0" << 654.16 << "umol/L" << "mg/dL" << 7.4;
        QTest::newRow("blood creatinine") << "38483-4" << 176.8 << "umol/L" << "mg/dL" << 2.0;
        QTest::newRow("calcium mg/dL to mmol/L") << "17861-6" << 10.0 << "mg/dL" << "mmol/L" << 2.495;
        QTest::newRow("calcium mmol/L to mg/dL") << "17861-6" << 2.495 << "mmol/L" << "mg/dL" << 10.0;
        QTest::newRow("calcium mmol/L to meq/L") << "17861-6" << 2.5 << "mmol/L" << "meq/L" << 5.0;
        QTest::newRow("calcium meq/L to mmol/L") << "17861-6" << 5.0 << "meq/L" << "mmol/L" << 2.5;
        QTest::newRow("calcium meq/L to mg/dL") << "17861-6" << 4.99 << "meq/L" << "mg/dL" << 10.0;
        QTest::newRow("potassium meq/L") << "2823-3" << 6.3 << "meq/L" << "mmol/L" << 6.3;
        QTest::newRow("blood potassium meq/L") << "6298-4" << 2.7 << "meq/L" << "mmol/L" << 2.7;
        QTest::newRow("sodium meq/L") << "2951-2" << 118.0 << "meq/L" << "mmol/L" << 118.0;
        QTest::newRow("blood sodium mmol/L to meq/L") << "2947-0" << 161.0 << "mmol/L" << "meq/L" << 161.0;
        QTest::newRow("hemoglobin g/dL to g/L") << "718-7" << 6.0 << "g/dL" << "g/L" << 60.0;
        QTest::newRow("hemoglobin g/L to g/dL") << "718-7" << 55.0 << "g/L" << "g/dL" << 5.5;
        QTest::newRow("platelets 10*3/uL") << "777-3" << 39.0 << "10*3/uL" << "10*9/L" << 39.0;
        QTest::newRow("leukocytes 10*9/L to 10*3/uL") << "6690-2" << 41.0 << "10*9/L" << "10*3/uL" << 41.0;
        QTest::newRow("troponin ng/mL to ng/L") << "6598-7" << 0.052 << "ng/mL" << "ng/L" << 52.0;
        QTest::newRow("troponin ng/L to ng/mL") << "89579-7" << 52.0 << "ng/L" << "ng/mL" << 0.052;
        QTest::newRow("pCO2 kPa to mm[Hg]") << "2019-8" << 8.0 << "kPa" << "mm[Hg]" << 60.0048;
        QTest::newRow("pCO2 mm[Hg] to kPa") << "2019-8" << 75.006 << "mm[Hg]" << "kPa" << 10.0;
        QTest::newRow("INR identity") << "6301-6" << 5.1 << "{INR}" << "{INR}" << 5.1;
        QTest::newRow("pH identity") << "2744-1" << 7.19 << "[pH]" << "[pH]" << 7.19;
        QTest::newRow("identity for any known unit") << "" << 3.0 << "mmol/L" << "mmol/L" << 3.0;
    }
    void conversions()
    {
        QFETCH(QString, loinc);
        QFETCH(double, value);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(double, expected);
        const auto converted = UcumUnits::convert(value, text(from), text(to), text(loinc));
        QVERIFY(converted.has_value());
        QVERIFY2(std::abs(*converted - expected) <= 1e-9 * std::max(1.0, std::abs(expected)),
                 qPrintable(QStringLiteral("%1 != %2").arg(*converted, 0, 'g', 17).arg(expected, 0, 'g', 17)));
        QVERIFY(UcumUnits::canConvert(text(from), text(to), text(loinc)));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("loinc");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("lower-case litre is not guessed") << "2823-3" << "mmol/l" << "mmol/L";
        QTest::newRow("mEq/L is not the UCUM code") << "2823-3" << "mEq/L" << "mmol/L";
        QTest::newRow("unknown unit, even to itself") << "1920-8" << "U/L" << "U/L";
        QTest::newRow("glucose factor needs a glucose code") << "2823-3" << "mg/dL" << "mmol/L";
        QTest::newRow("glucose factor not for an unknown code") << "" << "mg/dL" << "mmol/L";
        QTest::newRow("lactate factor is not glucose's") << "2345-7" << "mg/dL" << "umol/L";
        QTest::newRow("creatinine has no mmol/L") << "2160-0" << "mg/dL" << "mmol/L";
        QTest::newRow("calcium meq/L is not potassium's") << "17861-6" << "meq/L" << "umol/L";
        QTest::newRow("sodium mg/dL") << "2951-2" << "mg/dL" << "mmol/L";
        QTest::newRow("mass to count") << "718-7" << "g/dL" << "10*9/L";
        QTest::newRow("pressure to mass") << "2019-8" << "kPa" << "g/L";
        QTest::newRow("pH to INR") << "2744-1" << "[pH]" << "{INR}";
        QTest::newRow("empty from") << "2823-3" << "" << "mmol/L";
    }
    void refusals()
    {
        QFETCH(QString, loinc);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QVERIFY(!UcumUnits::convert(1.0, text(from), text(to), text(loinc)).has_value());
        QVERIFY(!UcumUnits::canConvert(text(from), text(to), text(loinc)));
    }

    void roundTripKeepsTheValue()
    {
        const double mgPerDl = 7.4;
        const auto micromolar = UcumUnits::convert(mgPerDl, "mg/dL", "umol/L", "2160-0");
        QVERIFY(micromolar);
        const auto back = UcumUnits::convert(*micromolar, "umol/L", "mg/dL", "2160-0");
        QVERIFY(back);
        QVERIFY(std::abs(*back - mgPerDl) < 1e-12);
    }
};

QTEST_APPLESS_MAIN(TestUcumUnits)
#include "tst_ucumunits.moc"
