using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Data.Tables;
using NumberTrust.Hosting;
using NumberTrust.Platforms;
using NumberTrust.Storage;
using NumberTrust.Tenants;

namespace NumberTrust.Numbers;

/// <summary>The rows of a CSV import, read and checked, before anything is stored.</summary>
public sealed record ParsedImport(
    IReadOnlyList<ImportRowResult> Rows, IReadOnlyList<(int Row, CanonicalNumber Number, RegistrationInput Input)> Good, IReadOnlySet<string> Columns);

/// <summary>Reads an import's CSV and stores its good rows (see <see cref="ImportApi"/>).</summary>
public sealed class NumberImporter(StorageAccount storage, NumberStore store, PlatformIdSet platforms, TimeProvider time)
{
    private const int NumberPartitionConcurrency = 32;

    /// <summary>Rows an existence check reads from a chunk's RowKey range before it switches to point reads (10 per number).</summary>
    private const int RangeReadLimit = 1000;

    private static readonly string[] Columns =
    [
        "number", RegistrationInput.Fields.DisplayName, RegistrationInput.Fields.Department, RegistrationInput.Fields.Tags,
        RegistrationInput.Fields.Cadence, RegistrationInput.Fields.Platforms, "region",
    ];

    /// <summary>Reads the CSV: a header of known columns, then one result per row (bad rows carry their reason).</summary>
    public Validated<ParsedImport> Parse(string text, TenantContext tenant)
    {
        var records = CsvReader.Read(text).GetEnumerator();
        if (!records.MoveNext())
        {
            return Problems.Invalid("header", "The CSV is empty; the first line must be a header with at least a 'number' column.");
        }

        if (records.Current.Record is not { } header)
        {
            return Problems.Invalid("header", $"The header line cannot be read: {records.Current.Error}");
        }

        var columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            var known = Columns.FirstOrDefault(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                return Problems.Invalid("header", $"Unknown column '{name}'. Columns: {string.Join(", ", Columns)}.");
            }

            if (!columnIndex.TryAdd(known, i))
            {
                return Problems.Invalid("header", $"Column '{known}' appears twice.");
            }
        }

        if (!columnIndex.ContainsKey("number"))
        {
            return Problems.Invalid("header", "The header must have a 'number' column.");
        }

        var results = new List<ImportRowResult>();
        var good = new Dictionary<string, (int Row, CanonicalNumber Number, RegistrationInput Input)>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            var (record, error, line) = records.Current;
            if (results.Count >= ImportApi.MaxRows)
            {
                return Problems.Invalid("rows", $"At most {ImportApi.MaxRows} rows per import; split the file.");
            }

            if (record is null)
            {
                results.Add(new ImportRowResult(line, "", null, ImportRowStatus.Failed, error));
                continue;
            }

            results.Add(ParseRow(record, columnIndex, tenant, good));
        }

        return new ParsedImport(results, good.Values.ToList(), columnIndex.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Stores the good rows and reports every row, the stored ones and the ones that failed.</summary>
    public async Task<ImportReport> StoreAsync(string tenantId, ParsedImport import, CancellationToken cancellationToken)
    {
        var failures = await StoreRowsAsync(tenantId, import.Good, import.Columns, cancellationToken);
        var results = import.Rows
            .Select(r => r.Status == ImportRowStatus.Imported && failures.TryGetValue(r.Row, out var reason) ? r with { Status = ImportRowStatus.Failed, Error = reason } : r)
            .ToList();
        var imported = results.Count(r => r.Status == ImportRowStatus.Imported);
        return new ImportReport(results.Count, imported, results.Count - imported, results);
    }

    private ImportRowResult ParseRow(
        CsvRecord record, Dictionary<string, int> columns, TenantContext tenant,
        Dictionary<string, (int Row, CanonicalNumber Number, RegistrationInput Input)> good)
    {
        string? Cell(string column) =>
            columns.TryGetValue(column, out var index) && index < record.Fields.Count ? record.Fields[index].Trim() : null;

        var input = Cell("number") ?? "";
        if (record.Fields.Count > columns.Count)
        {
            return new ImportRowResult(record.Line, input, null, ImportRowStatus.Failed, $"The row has {record.Fields.Count} fields but the header has {columns.Count}.");
        }

        var region = Cell("region") is { Length: > 0 } r ? r.ToUpperInvariant() : tenant.DefaultRegion;
        if (!NumberParser.IsSupportedRegion(region))
        {
            return new ImportRowResult(record.Line, input, null, ImportRowStatus.Failed, $"region: '{region}' is not a supported ISO 3166 region code.");
        }

        var parsed = NumberParser.Parse(input, region);
        if (!parsed.IsValid)
        {
            return new ImportRowResult(record.Line, input, null, ImportRowStatus.Failed, "number: " + parsed.Error);
        }

        MonitoringCadence? cadence = null;
        if (Cell(RegistrationInput.Fields.Cadence) is { Length: > 0 } cadenceText)
        {
            if (!Enum.TryParse<MonitoringCadence>(cadenceText, ignoreCase: true, out var c) || !Enum.IsDefined(c) || int.TryParse(cadenceText, out _))
            {
                return new ImportRowResult(record.Line, input, parsed.Number!.E164, ImportRowStatus.Failed, "cadence: must be auto, daily, weekly or paused.");
            }

            cadence = c;
        }

        var request = new RegisterNumberRequest(
            Cell(RegistrationInput.Fields.DisplayName), Cell(RegistrationInput.Fields.Department), SplitList(Cell(RegistrationInput.Fields.Tags)),
            cadence, SplitList(Cell(RegistrationInput.Fields.Platforms)));
        var (registration, errors) = RegistrationInput.From(request, platforms);
        if (registration is null)
        {
            return new ImportRowResult(
                record.Line, input, parsed.Number!.E164, ImportRowStatus.Failed,
                string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        var e164 = parsed.Number!.E164;
        if (good.TryGetValue(e164, out var first))
        {
            return new ImportRowResult(record.Line, input, e164, ImportRowStatus.Failed, $"Duplicate of row {first.Row} ({e164}).");
        }

        good[e164] = (record.Line, parsed.Number, registration);
        return new ImportRowResult(record.Line, input, e164, ImportRowStatus.Imported, null);
    }

    private static List<string>? SplitList(string? cell) =>
        cell is null ? null : cell.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>
    /// Stores the good rows in conditional transactions of 100 (only the CSV's columns overlaid on what exists; a batch that lost
    /// a race is read and applied again). Returns the rows that could not be stored, with the reason.
    /// </summary>
    private async Task<Dictionary<int, string>> StoreRowsAsync(
        string tenantId, IReadOnlyList<(int Row, CanonicalNumber Number, RegistrationInput Input)> rows, IReadOnlySet<string> columns,
        CancellationToken cancellationToken)
    {
        var failures = new Dictionary<int, string>();
        var registrations = storage.Table(TableNames.Registrations);
        // In number order, so each chunk's existing rows are one RowKey range and the chunks' ranges do not overlap.
        foreach (var chunk in rows.OrderBy(r => r.Number.E164, StringComparer.Ordinal).Chunk(100))
        {
            for (var attempt = 1; ; attempt++)
            {
                var now = time.GetUtcNow();
                var existing = await ExistingAsync(registrations, tenantId, chunk.Select(r => r.Number.E164).ToList(), cancellationToken);
                var entities = chunk
                    .Select(r => RegistrationEntity.Build(tenantId, r.Number, r.Input, existing.GetValueOrDefault(r.Number.E164), now, columns))
                    .ToList();

                var writes = chunk.Zip(entities, (row, entity) => new NumberStore.NumberPartitionWrite(
                    row.Number, entity, RegistrationEntity.MayNeedSchedule(existing.GetValueOrDefault(entity.RowKey))));
                var pending = await store.WriteNumberPartitionsAsync(tenantId, writes.ToList(), NumberPartitionConcurrency, cancellationToken);

                var actions = entities.Select(e => existing.TryGetValue(e.RowKey, out var old)
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, old.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, e)).ToList();
                try
                {
                    await registrations.SubmitTransactionAsync(actions, cancellationToken);
                    await store.FinishCopiesAsync(entities, pending, NumberPartitionConcurrency, cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException e) when (attempt < 3 && e.Status is 404 or 409 or 412)
                {
                    // A row was added, changed or deleted concurrently between our read and the transaction: read again.
                }
                catch (TableTransactionFailedException e)
                {
                    var code = e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    foreach (var row in chunk)
                    {
                        failures[row.Row] = $"Could not be stored ({code}); nothing of this row was changed. Retry the import.";
                    }

                    break;
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// The existing registrations among a chunk of numbers sorted by E.164: one RowKey range query (an OR of equalities scans the
    /// whole partition), or point reads when the range holds more than <see cref="RangeReadLimit"/> rows.
    /// </summary>
    private static async Task<Dictionary<string, RegistrationEntity>> ExistingAsync(
        TableClient table, string tenantId, IReadOnlyList<string> sortedKeys, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(sortedKeys, StringComparer.Ordinal);
        var found = new Dictionary<string, RegistrationEntity>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {sortedKeys[0]} and RowKey le {sortedKeys[^1]}");
        var read = 0;
        await foreach (var entity in table.QueryAsync<RegistrationEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (++read > RangeReadLimit)
            {
                return await PointReadsAsync(table, tenantId, sortedKeys, cancellationToken);
            }

            if (wanted.Contains(entity.RowKey))
            {
                found[entity.RowKey] = entity;
            }
        }

        return found;
    }

    private static async Task<Dictionary<string, RegistrationEntity>> PointReadsAsync(
        TableClient table, string tenantId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var found = new ConcurrentDictionary<string, RegistrationEntity>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            var entity = await table.GetEntityIfExistsAsync<RegistrationEntity>(tenantId, key, cancellationToken: ct);
            if (entity.HasValue)
            {
                found[key] = entity.Value!;
            }
        });
        return new Dictionary<string, RegistrationEntity>(found, StringComparer.Ordinal);
    }
}
