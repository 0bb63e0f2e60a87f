#include "clinical/thresholdset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

namespace {

// The example of the issue, as informaticists write it.
const char *const kExample = R"({"name": "Adult inpatient critical values", "version": 7,
 "rules": [{"loinc": ["2823-3", "6298-4"], "display": "Potassium", "unit": "mmol/L", "low": 2.8, "high": 6.2},
           {"loinc": "6301-6", "display": "INR", "unit": "{INR}", "high": 5.0}]})";

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

std::string text(const QString &value)
{
    return value.toStdString();
}

// A set with one rule whose body is `rule`, to vary one field at a time.
QString withRule(const QString &rule)
{
    return QStringLiteral(R"({"name": "n", "version": 1, "rules": [)") + rule + QStringLiteral("]}");
}

QString loadError(const QString &json)
{
    try {
        ThresholdSet::fromJson(text(json));
    } catch (const ThresholdError &error) {
        return QString::fromUtf8(error.what());
    }
    return {};
}

} // namespace

class TestThresholdSet final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsTheExample()
    {
        const auto set = ThresholdSet::fromJson(kExample);
        QCOMPARE(set->name(), "Adult inpatient critical values");
        QCOMPARE(set->version(), 7);
        QCOMPARE(set->rules().size(), std::size_t(2));

        const ThresholdRule *potassium = set->ruleFor("6298-4");
        QVERIFY(potassium);
        QCOMPARE(potassium, set->ruleFor("2823-3"));
        QCOMPARE(potassium->display, "Potassium");
        QCOMPARE(potassium->unit, "mmol/L");
        QCOMPARE(*potassium->low, 2.8);
        QCOMPARE(*potassium->high, 6.2);

        const ThresholdRule *inr = set->ruleFor("6301-6");
        QVERIFY(inr);
        QCOMPARE(inr->loinc, std::vector<std::string>{"6301-6"});
        QVERIFY(!inr->low.has_value());
        QCOMPARE(*inr->high, 5.0);

        QVERIFY(!set->ruleFor("2951-2"));
        QVERIFY(!set->ruleFor(""));
        QVERIFY(!set->ruleFor("2823-3 "));
    }

    void citationsAreAllowed()
    {
        const char *json = R"({"name": "n", "version": 2, "sources": ["Kost 1990", "ARUP"],
            "rules": [{"loinc": "718-7", "display": "Hemoglobin", "unit": "g/dL", "low": 6, "basis": "Mayo"}]})";
        const auto set = ThresholdSet::fromJson(json);
        QCOMPARE(set->sources(), (std::vector<std::string>{"Kost 1990", "ARUP"}));
        QCOMPARE(set->ruleFor("718-7")->basis, "Mayo");
        QCOMPARE(*set->ruleFor("718-7")->low, 6.0); // an integer limit reads as a number
    }

    void rejections_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        const QString potassium = QStringLiteral(R"("loinc": "2823-3", "display": "Potassium", "unit": "mmol/L")");
        QTest::newRow("not json") << "{\"name\": " << "not valid JSON";
        QTest::newRow("not an object") << "[1, 2]" << "threshold set: not a JSON object";
        QTest::newRow("unknown top-level key")
            << R"({"name": "n", "version": 1, "owner": "lab", "rules": []})" << "threshold set: unknown key \"owner\"";
        QTest::newRow("missing name") << R"({"version": 1, "rules": []})" << "threshold set: name is missing";
        QTest::newRow("name not a string") << R"({"name": 3, "version": 1, "rules": []})"
                                           << "threshold set: name is not a string";
        QTest::newRow("empty name") << withRule(QStringLiteral("{%1, \"high\": 6}").arg(potassium)).replace(
            QStringLiteral("\"n\""), QStringLiteral("\"\"")) << "threshold set: name is missing";
        QTest::newRow("missing version") << R"({"name": "n", "rules": []})" << "threshold set: version is missing";
        QTest::newRow("fractional version") << R"({"name": "n", "version": 7.5, "rules": []})"
                                            << "threshold set: version is not a whole number";
        QTest::newRow("version as text") << R"({"name": "n", "version": "7", "rules": []})"
                                         << "threshold set: version is not a whole number";
        QTest::newRow("version zero") << withRule(QStringLiteral("{%1, \"high\": 6}").arg(potassium)).replace(
            QStringLiteral("\"version\": 1"), QStringLiteral("\"version\": 0")) << "version must be 1 or more";
        QTest::newRow("huge version") << R"({"name": "n", "version": 99999999999, "rules": []})"
                                      << "threshold set: version is out of range";
        QTest::newRow("missing rules") << R"({"name": "n", "version": 1})" << "threshold set: rules is missing";
        QTest::newRow("rules not a list") << R"({"name": "n", "version": 1, "rules": {}})"
                                          << "threshold set: rules is not a list";
        QTest::newRow("no rules") << R"({"name": "n", "version": 1, "rules": []})" << "threshold set: rules is empty";
        QTest::newRow("rule not an object") << withRule(QStringLiteral("\"potassium\""))
                                            << "rules[0]: is not an object";
        QTest::newRow("unknown rule key") << withRule(QStringLiteral("{%1, \"hi\": 6}").arg(potassium))
                                          << "rules[0] (Potassium): unknown key \"hi\"";
        QTest::newRow("missing loinc") << withRule(QStringLiteral(R"({"display": "Potassium", "unit": "mmol/L", "high": 6})"))
                                       << "rules[0] (Potassium): loinc is missing";
        QTest::newRow("loinc a number") << withRule(QStringLiteral(R"({"loinc": 2823, "display": "K", "unit": "mmol/L", "high": 6})"))
                                        << "rules[0] (K): loinc is neither a string nor a list of strings";
        QTest::newRow("loinc list with a number")
            << withRule(QStringLiteral(R"({"loinc": ["2823-3", 6298], "display": "K", "unit": "mmol/L", "high": 6})"))
            << "rules[0] (K): loinc is neither a string nor a list of strings";
        QTest::newRow("loinc empty list") << withRule(QStringLiteral(R"({"loinc": [], "display": "K", "unit": "mmol/L", "high": 6})"))
                                          << "rules[0] (K): loinc names no code";
        QTest::newRow("loinc without check digit")
            << withRule(QStringLiteral(R"({"loinc": "2823", "display": "K", "unit": "mmol/L", "high": 6})"))
            << "rules[0] (K): loinc \"2823\" is not a LOINC code";
        QTest::newRow("loinc with a wrong check digit")
            << withRule(QStringLiteral(R"({"loinc": ["2823-3", "6298-5"], "display": "K", "unit": "mmol/L", "high": 6})"))
            << "rules[0] (K): loinc \"6298-5\" is not a LOINC code";
        QTest::newRow("same loinc in two rules")
            << withRule(QStringLiteral(R"({%1, "high": 6}, {"loinc": ["2951-2", "2823-3"], "display": "Kalium", "unit": "mmol/L", "low": 2})")
                            .arg(potassium))
            << "rules[1] (Kalium): loinc 2823-3 is also in rules[0] (Potassium)";
        QTest::newRow("same loinc twice in one rule")
            << withRule(QStringLiteral(R"({"loinc": ["2823-3", "2823-3"], "display": "K", "unit": "mmol/L", "high": 6})"))
            << "rules[0] (K): loinc 2823-3 is also in rules[0] (K)";
        QTest::newRow("missing display") << withRule(QStringLiteral(R"({"loinc": "2823-3", "unit": "mmol/L", "high": 6})"))
                                         << "rules[0]: display is missing";
        QTest::newRow("display not a string")
            << withRule(QStringLiteral(R"({"loinc": "2823-3", "display": 7, "unit": "mmol/L", "high": 6})"))
            << "rules[0]: display is not a string";
        QTest::newRow("missing unit") << withRule(QStringLiteral(R"({"loinc": "2823-3", "display": "Potassium", "high": 6})"))
                                      << "rules[0] (Potassium): unit is missing";
        QTest::newRow("empty unit") << withRule(QStringLiteral(R"({"loinc": "2823-3", "display": "Potassium", "unit": "", "high": 6})"))
                                    << "rules[0] (Potassium): unit is missing";
        QTest::newRow("unit Vigil cannot convert")
            << withRule(QStringLiteral(R"({"loinc": "2823-3", "display": "Potassium", "unit": "mEq/L", "high": 6})"))
            << "rules[0] (Potassium): unit \"mEq/L\" is not a UCUM code Vigil can convert";
        QTest::newRow("unit in the wrong case")
            << withRule(QStringLiteral(R"({"loinc": "2823-3", "display": "Potassium", "unit": "mmol/l", "high": 6})"))
            << "rules[0] (Potassium): unit \"mmol/l\" is not a UCUM code";
        QTest::newRow("no limit") << withRule(QStringLiteral("{%1}").arg(potassium))
                                  << "rules[0] (Potassium): neither low nor high is given";
        QTest::newRow("low as text") << withRule(QStringLiteral("{%1, \"low\": \"2.8\"}").arg(potassium))
                                     << "rules[0] (Potassium): low is not a number";
        QTest::newRow("high null") << withRule(QStringLiteral("{%1, \"high\": null}").arg(potassium))
                                   << "rules[0] (Potassium): high is not a number";
        QTest::newRow("high boolean") << withRule(QStringLiteral("{%1, \"high\": true}").arg(potassium))
                                      << "rules[0] (Potassium): high is not a number";
        QTest::newRow("high beyond a double") << withRule(QStringLiteral("{%1, \"high\": 1e999}").arg(potassium))
                                              << "not valid JSON";
        QTest::newRow("low equals high") << withRule(QStringLiteral("{%1, \"low\": 6.2, \"high\": 6.2}").arg(potassium))
                                         << "rules[0] (Potassium): low 6.2 is not below high 6.2";
        QTest::newRow("low above high") << withRule(QStringLiteral("{%1, \"low\": 6.2, \"high\": 2.8}").arg(potassium))
                                        << "rules[0] (Potassium): low 6.2 is not below high 2.8";
        QTest::newRow("sources not a list")
            << withRule(QStringLiteral("{%1, \"high\": 6}").arg(potassium)).replace(
                   QStringLiteral("\"version\": 1,"), QStringLiteral("\"version\": 1, \"sources\": \"Kost\","))
            << "threshold set: sources is not a list of strings";
        QTest::newRow("sources with a number")
            << withRule(QStringLiteral("{%1, \"high\": 6}").arg(potassium)).replace(
                   QStringLiteral("\"version\": 1,"), QStringLiteral("\"version\": 1, \"sources\": [\"Kost\", 1990],"))
            << "threshold set: sources is not a list of strings";
        QTest::newRow("basis not a string") << withRule(QStringLiteral("{%1, \"high\": 6, \"basis\": [\"Kost\"]}").arg(potassium))
                                            << "rules[0] (Potassium): basis is not a string";
        QTest::newRow("duplicate key in a rule")
            << withRule(QStringLiteral("{%1, \"high\": 6.2}, {%2, \"high\": 60, \"high\": 6}")
                            .arg(potassium,
                                 QStringLiteral(R"("loinc": "2019-8", "display": "pCO2", "unit": "mm[Hg]")")))
            << "rules[1] (pCO2): key \"high\" appears twice";
        QTest::newRow("duplicate key in a rules list given twice")
            << R"({"name": "n", "version": 1, "rules": [{"high": 1, "high": 2}], "rules": []})"
            << "rules[0]: key \"high\" appears twice";
        QTest::newRow("duplicate top-level key")
            << withRule(QStringLiteral("{%1, \"high\": 6}").arg(potassium)).replace(
                   QStringLiteral("\"version\": 1,"), QStringLiteral("\"version\": 1, \"version\": 2,"))
            << "threshold set: key \"version\" appears twice";
    }
    void rejections()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        const QString error = loadError(json);
        QVERIFY2(!error.isEmpty(), "the set loaded");
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void theRejectionBaseIsValid()
    {
        // The rows above vary this set one field at a time; it must load, or they prove nothing.
        const QString valid = withRule(
            QStringLiteral(R"({"loinc": "2823-3", "display": "Potassium", "unit": "mmol/L", "high": 6})"));
        QCOMPARE(loadError(valid), QString());
    }

    void constructorValidatesToo()
    {
        ThresholdRule rule{{"2823-3"}, "Potassium", "mmol/L", 6.2, 2.8, {}};
        QVERIFY_THROWS_EXCEPTION(ThresholdError, ThresholdSet("n", 1, {rule}));
        rule.low = 2.8;
        rule.high = std::numeric_limits<double>::infinity();
        QVERIFY_THROWS_EXCEPTION(ThresholdError, ThresholdSet("n", 1, {rule}));
        rule.high = 6.2;
        const ThresholdSet set("n", 1, {rule});
        QCOMPARE(set.ruleFor("2823-3")->display, "Potassium");
    }

    void jsonRoundTrip()
    {
        const char *json = R"({"name": "Adult", "version": 3, "sources": ["Kost 1990"],
            "rules": [{"loinc": ["2823-3", "6298-4"], "display": "Potassium", "unit": "mmol/L", "low": 2.8, "high": 6.2},
                      {"loinc": "6301-6", "display": "INR", "unit": "{INR}", "high": 5.0, "basis": "Mayo"},
                      {"loinc": "2744-1", "display": "pH", "unit": "[pH]", "low": 7.2}]})";
        const auto original = ThresholdSet::fromJson(json);
        const std::string saved = original->toJson();
        const auto reloaded = ThresholdSet::fromJson(saved);
        QVERIFY(*original == *reloaded);
        QCOMPARE(reloaded->toJson(), saved);
        QVERIFY(saved.find("\"loinc\": \"6301-6\"") != std::string::npos); // a single code stays a string
        QVERIFY(saved.find("\"low\"") < saved.find("\"6301-6\"")); // INR has no low
    }

    void fileRoundTrip()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString path = directory.filePath(QStringLiteral("set.json"));
        const auto original = ThresholdSet::fromJson(kExample);
        original->saveFile(path);
        QVERIFY(*ThresholdSet::loadFile(path) == *original);
    }

    void fileErrorsAreThresholdErrors()
    {
        QTemporaryDir directory;
        QVERIFY_THROWS_EXCEPTION(ThresholdError, ThresholdSet::loadFile(directory.filePath(QStringLiteral("none.json"))));
        const auto set = ThresholdSet::fromJson(kExample);
        QVERIFY_THROWS_EXCEPTION(ThresholdError, set->saveFile(directory.filePath(QStringLiteral("no/such/dir/x.json"))));

        const QString broken = directory.filePath(QStringLiteral("broken.json"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "n", "version": 1, "rules": [{"loinc": "2823-3", "display": "K", "unit": "mmol/L"}]})");
        file.close();
        try {
            ThresholdSet::loadFile(broken);
            QFAIL("loaded a rule without limits");
        } catch (const ThresholdError &error) {
            QVERIFY2(QString::fromUtf8(error.what()).startsWith(broken), error.what()); // names the file
        }
    }

    void defaultSetFollowsClinicalMd_data()
    {
        QTest::addColumn<QStringList>("codes");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        // CLINICAL.md, "Suggested defaults (adult inpatient)", row by row.
        QTest::newRow("potassium") << QStringList{"2823-3", "6298-4"} << "mmol/L" << 2.8 << 6.2;
        QTest::newRow("sodium") << QStringList{"2951-2", "2947-0"} << "mmol/L" << 120.0 << 160.0;
        QTest::newRow("glucose mass") << QStringList{"2345-7", "2339-0"} << "mg/dL" << 50.0 << 450.0;
        QTest::newRow("glucose moles") << QStringList{"14749-6", "15074-8"} << "mmol/L" << 2.8 << 25.0;
        QTest::newRow("hemoglobin") << QStringList{"718-7"} << "g/dL" << 6.0 << 20.0;
        QTest::newRow("platelets") << QStringList{"777-3"} << "10*9/L" << 40.0 << 1000.0;
        QTest::newRow("leukocytes") << QStringList{"6690-2"} << "10*9/L" << 2.0 << 40.0;
        QTest::newRow("inr") << QStringList{"6301-6", "34714-6"} << "{INR}" << kNone << 5.0;
        QTest::newRow("calcium") << QStringList{"17861-6"} << "mg/dL" << 6.5 << 13.0;
        QTest::newRow("creatinine") << QStringList{"2160-0", "38483-4"} << "mg/dL" << kNone << 7.4;
        QTest::newRow("lactate") << QStringList{"2524-7", "32693-4"} << "mmol/L" << kNone << 4.0;
        QTest::newRow("ph") << QStringList{"2744-1", "11558-4"} << "[pH]" << 7.20 << 7.60;
        QTest::newRow("pco2") << QStringList{"2019-8"} << "mm[Hg]" << 20.0 << 60.0;
    }
    void defaultSetFollowsClinicalMd()
    {
        QFETCH(QStringList, codes);
        QFETCH(QString, unit);
        QFETCH(double, low);
        QFETCH(double, high);
        const auto set = ThresholdSet::loadFile(QStringLiteral(VIGIL_DEFAULT_THRESHOLDS));
        const ThresholdRule *rule = set->ruleFor(text(codes.first()));
        QVERIFY(rule);
        QCOMPARE(rule->loinc.size(), std::size_t(codes.size()));
        for (const QString &code : codes)
            QCOMPARE(set->ruleFor(text(code)), rule);
        QCOMPARE(QString::fromStdString(rule->unit), unit);
        QCOMPARE(rule->low.has_value(), !std::isnan(low));
        if (rule->low)
            QCOMPARE(*rule->low, low);
        QVERIFY(rule->high.has_value());
        QCOMPARE(*rule->high, high);
        QVERIFY2(!rule->basis.empty(), "every default limit cites its basis");
    }

    void defaultSetHasNothingElse()
    {
        const auto set = ThresholdSet::loadFile(QStringLiteral(VIGIL_DEFAULT_THRESHOLDS));
        QCOMPARE(set->name(), "Adult inpatient critical values");
        QCOMPARE(set->rules().size(), std::size_t(13)); // no troponin: its limits are assay-specific
        QVERIFY(!set->sources().empty());
    }
};

QTEST_APPLESS_MAIN(TestThresholdSet)
#include "tst_thresholdset.moc"
