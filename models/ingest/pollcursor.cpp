#include "ingest/pollcursor.h"

#include "fhir/fhirdatetime.h"
#include "ingest/ingestrecord.h"
#include "ingest/jsonfields.h"

#include <QUrl>

#include <algorithm>

namespace {

using nlohmann::json;
using JsonFields::stringAt;

bool contains(const std::vector<std::string> &keys, const std::string &key)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

} // namespace

std::string PollCursor::toJson() const
{
    return json{{"base", base}, {"resource_type", resourceType}, {"last_updated", lastUpdated}, {"boundary", boundary}}
        .dump();
}

std::optional<PollCursor> PollCursor::fromJson(std::string_view text)
{
    const json document = json::parse(text, nullptr, false);
    if (!document.is_object())
        return std::nullopt;
    PollCursor cursor;
    cursor.base = stringAt(document, "base");
    cursor.resourceType = stringAt(document, "resource_type");
    cursor.lastUpdated = stringAt(document, "last_updated");
    if (cursor.base.empty() || cursor.resourceType.empty())
        return std::nullopt;
    if (const auto boundary = document.find("boundary"); boundary != document.end() && boundary->is_array()) {
        for (const json &key : *boundary) {
            if (key.is_string())
                cursor.boundary.push_back(key.get<std::string>());
        }
    }
    return cursor;
}

std::string firstPageUrl(const PollCursor &cursor, int count)
{
    std::string url = cursor.base;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    url += '/' + cursor.resourceType + '?';
    if (!cursor.lastUpdated.empty()) // '+' in a zone offset must not read as a space
        url += "_lastUpdated=ge" + QUrl::toPercentEncoding(QString::fromStdString(cursor.lastUpdated)).toStdString() + '&';
    return url + "_sort=_lastUpdated&_count=" + std::to_string(count);
}

SearchPage SearchPage::parse(std::string_view body)
{
    const json document = json::parse(body, nullptr, false);
    if (document.is_discarded())
        throw SearchError("the search answer is not JSON");
    if (!document.is_object() || stringAt(document, "resourceType") != "Bundle")
        throw SearchError("the search answer is not a Bundle");
    SearchPage page;
    if (const auto total = document.find("total"); total != document.end() && total->is_number_integer())
        page.total = total->get<long long>();
    if (const auto links = document.find("link"); links != document.end() && links->is_array()) {
        for (const json &link : *links) {
            if (link.is_object() && stringAt(link, "relation") == "next")
                page.next = stringAt(link, "url");
        }
    }
    if (const auto entries = document.find("entry"); entries != document.end() && entries->is_array()) {
        for (const json &entry : *entries) {
            if (!entry.is_object())
                continue;
            const auto search = entry.find("search");
            if (search != entry.end() && search->is_object() && stringAt(*search, "mode") == "include")
                continue;
            const auto resource = entry.find("resource");
            if (resource != entry.end() && resource->is_object() && stringAt(*resource, "resourceType") != "OperationOutcome")
                page.resources.push_back(*resource);
        }
    }
    return page;
}

PollRound::PollRound(PollCursor start) : m_start(std::move(start)), m_latest(m_start), m_stored(m_start)
{
    if (const auto ms = fhirDateTimeToMs(m_start.lastUpdated))
        m_startMs = m_latestMs = *ms;
}

void PollRound::advanceTo(const std::string &lastUpdated, std::int64_t ms, const std::string &key)
{
    if (ms > m_latestMs) {
        m_latestMs = ms;
        m_latest.lastUpdated = lastUpdated;
        m_latest.boundary.clear();
    }
    if (!key.empty() && !contains(m_latest.boundary, key))
        m_latest.boundary.push_back(key);
}

PollRound::PageResult PollRound::take(const SearchPage &page)
{
    PageResult result;
    if (page.total) {
        if (m_total && *m_total != *page.total)
            m_inconsistent = true;
        m_total = page.total;
    }
    for (const json &resource : page.resources) {
        const std::string key = versionKey(resource);
        const std::string updated = JsonFields::metaAt(resource, "lastUpdated");
        const std::optional<std::int64_t> ms = fhirDateTimeToMs(updated);
        if (!key.empty() && m_roundKeys.count(key) > 0) {
            ++result.repeated;
            m_inconsistent = true; // the same version on two pages of one search
            continue;
        }
        if (ms && *ms < m_startMs) {
            ++result.older;
            ++m_older;
            continue;
        }
        if (ms && *ms == m_startMs && contains(m_start.boundary, key)) {
            ++result.repeated;
            continue;
        }
        if (ms && *ms < m_latestMs)
            m_outOfOrder = true;
        if (!key.empty())
            m_roundKeys.insert(key);
        if (ms)
            advanceTo(updated, *ms, key);
        result.fresh.push_back(resource);
    }
    if (!m_outOfOrder && !m_inconsistent)
        m_stored = m_latest;
    return result;
}

const PollCursor &PollRound::finish()
{
    m_stored = m_inconsistent ? m_start : m_latest;
    return m_stored;
}

std::string PollRound::complaint() const
{
    std::string text;
    if (m_outOfOrder)
        text += "the server ignores _sort=_lastUpdated (resources came out of order): the cursor advances only "
                "after a whole round, so a restart mid-round may repeat that round's resources. ";
    if (m_older > 0)
        text += "the server ignores _lastUpdated (" + std::to_string(m_older)
            + " resources older than the cursor came back; they were not published again). ";
    if (m_inconsistent)
        text += "the server pages inconsistently (the total changed between pages, or one version came on two "
                "pages): the next round starts where this one did. ";
    if (!text.empty())
        text.pop_back();
    return text;
}
