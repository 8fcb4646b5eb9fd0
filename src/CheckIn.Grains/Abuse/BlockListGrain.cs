using System.Security.Cryptography;
using System.Text;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.Logging;

namespace CheckIn.Grains.Abuse;

internal sealed class BlockListState
{
    public List<ClientBlock> Blocks { get; set; } = [];

    /// <summary>Incremented by every change, so a silo that has the current version is told only that.</summary>
    public long Version { get; set; }
}

/// <summary>
/// The cluster's active blocks (one grain, key 0), polled by every silo's front. Guard grains add their blocks (stored
/// before this answers); operators' lifts remove them; expired ones are swept at activation and every
/// <see cref="SweepInterval"/> while any exist, each with a BLOCK_EXPIRED incident written before the block leaves.
/// </summary>
internal sealed partial class BlockListGrain(
    [PersistentState(BlockListGrain.StateName, StorageNames.Default)] IPersistentState<BlockListState> state,
    TimeProvider time,
    IAbuseIncidentLog incidents,
    ILogger<BlockListGrain> logger) : Grain, IBlockListGrain
{
    internal const string StateName = "block-list";

    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private IGrainTimer? _sweepTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await TrySweepAsync();
        UpdateTimer();
    }

    public async Task<BlockListSnapshot> GetAsync(long knownVersion)
    {
        if (state.State.Blocks.Exists(b => b.ExpiresAt <= time.GetUtcNow()))
        {
            // Never hand out a block that is over when it can be helped; the sweep also records why it ended.
            await TrySweepAsync();
        }
        return knownVersion == state.State.Version
            ? new BlockListSnapshot(state.State.Version, null)
            : new BlockListSnapshot(state.State.Version, [.. state.State.Blocks]);
    }

    public async Task AddAsync(ClientBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var blocks = state.State.Blocks;
        var at = blocks.FindIndex(b => b.ClientKey == block.ClientKey);
        if (at >= 0 && blocks[at] == block)
        {
            return;
        }
        await ChangeAsync(list =>
        {
            list.RemoveAll(b => b.ClientKey == block.ClientKey);
            list.Add(block);
        });
        UpdateTimer();
    }

    public async Task RemoveAsync(string clientKey)
    {
        if (!state.State.Blocks.Exists(b => b.ClientKey == clientKey))
        {
            return;
        }
        await ChangeAsync(list => list.RemoveAll(b => b.ClientKey == clientKey));
        UpdateTimer();
    }

    /// <summary>A sweep that fails (incident log or storage down) leaves the blocks for the next one.</summary>
    private async Task TrySweepAsync()
    {
        try
        {
            await SweepAsync();
        }
        catch (Exception ex)
        {
            LogSweepFailed(logger, ex);
        }
    }

    private async Task SweepAsync()
    {
        var now = time.GetUtcNow();
        var expired = state.State.Blocks.Where(b => b.ExpiresAt <= now).ToList();
        if (expired.Count == 0)
        {
            return;
        }
        foreach (var block in expired)
        {
            await incidents.AppendAsync(new AbuseIncident(
                ExpiryIncidentId(block), block.ClientKey, block.Rule, 0, TimeSpan.Zero, IncidentDecision.BlockExpired,
                block.ExpiresAt, now, ClientGuardGrain.SystemActor, $"block of {block.BlockedAt:O} reached its expiry"));
        }
        var ids = expired.Select(b => b.IncidentId).ToHashSet();
        await ChangeAsync(list => list.RemoveAll(b => ids.Contains(b.IncidentId)));
        foreach (var block in expired)
        {
            LogExpired(logger, block.ClientKey, block.Rule, block.ExpiresAt);
        }
        UpdateTimer();
    }

    private async Task ChangeAsync(Action<List<ClientBlock>> change)
    {
        var before = state.State;
        var next = new BlockListState { Blocks = [.. before.Blocks], Version = before.Version + 1 };
        change(next.Blocks);
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = before;
            throw;
        }
    }

    private void UpdateTimer()
    {
        if (state.State.Blocks.Count > 0 && _sweepTimer is null)
        {
            _sweepTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.TrySweepAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = SweepInterval, Period = SweepInterval, Interleave = false, KeepAlive = true });
        }
        else if (state.State.Blocks.Count == 0 && _sweepTimer is not null)
        {
            _sweepTimer.Dispose();
            _sweepTimer = null;
        }
    }

    /// <summary>The same id for the same block's expiry, so a sweep retried after a failed write records it once.</summary>
    private static Guid ExpiryIncidentId(ClientBlock block)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{block.IncidentId:N}:expired"));
        return new Guid(hash.AsSpan(0, 16));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Block list: sweeping expired blocks failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientKey}: block ({Rule}) expired at {ExpiresAt}")]
    private static partial void LogExpired(ILogger logger, string clientKey, AbuseRule rule, DateTimeOffset expiresAt);
}
