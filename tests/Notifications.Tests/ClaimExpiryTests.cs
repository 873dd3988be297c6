using Appointments.Notifications.Notices;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>Claims do not pile up: each is purged once it guards nothing, and not before.</summary>
public sealed class ClaimExpiryTests
{
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    [Fact]
    public async Task A_reminder_claim_lives_until_the_day_after_its_appointment_and_a_notice_claim_two_days()
    {
        using var clinic = new ClinicHost(_clock, email: new ScriptedChannel());
        var start = ClinicHost.Start.AddHours(2);
        var id = await clinic.BookAsync("alice", start);
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Scan.RunAsync(CancellationToken.None);
        var reminderClaim = ReminderScan.ClaimKey(id, start);
        var noticeClaim = NoticeScan.ClaimKey($"{id}-1");
        var bothBefore = await ExistAsync(clinic, reminderClaim, noticeClaim);

        _clock.Advance(TimeSpan.FromDays(2));
        await clinic.Claims.PurgeOnceAsync(CancellationToken.None);
        var afterTwoDays = await ExistAsync(clinic, reminderClaim, noticeClaim);
        _clock.Advance(TimeSpan.FromDays(1));
        await clinic.Claims.PurgeOnceAsync(CancellationToken.None);
        await clinic.Scan.RunAsync(CancellationToken.None);

        bothBefore.Should().Equal(true, true);
        afterTwoDays.Should().Equal(false, true);
        (await ExistAsync(clinic, reminderClaim, noticeClaim)).Should().Equal(false, false);
    }

    private static async Task<bool[]> ExistAsync(ClinicHost clinic, params string[] keys) =>
        (await clinic.Store.GetBulkAsync(keys)).Select(e => e.Exists).ToArray();
}
