namespace Appointments.Booking.Tests;

/// <summary>How weekly wall-clock hours become instants: the grid of free slots and the booking check.</summary>
public sealed class ScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static Schedule Daily(int slotMinutes, int start, int end, params DateOnly[] closed) =>
        new(slotMinutes, Schedule.Days.ToDictionary(d => d, IReadOnlyList<Window> (_) => [new Window(start, end)]), closed);

    [Fact]
    public void Slots_that_straddle_the_spring_change_never_overlap_and_each_fits_its_window()
    {
        var schedule = Daily(90, 0, 6 * 60);
        var day = new DateOnly(2031, 3, 30);

        var slots = schedule.Grid(day, Berlin).ToList();

        slots.Zip(slots.Skip(1)).Should().OnlyContain(pair => pair.First.End <= pair.Second.Start);
        slots.Should().OnlyContain(s => schedule.Covers(s.Start, s.End, Berlin));
        slots.Select(s => TimeZoneInfo.ConvertTime(s.Start, Berlin).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))
            .Should().Equal(["00:00", "03:00", "04:30"], "01:30 would run 90 minutes into 04:00 CEST, past the 03:00 grid time");
    }

    [Fact]
    public void On_the_autumn_change_a_window_covers_both_occurrences_of_the_repeated_hour()
    {
        var schedule = Daily(60, 2 * 60, 3 * 60);
        var day = new DateOnly(2031, 10, 26);

        var slots = schedule.Grid(day, Berlin).ToList();

        slots.Should().Equal([(new DateTimeOffset(2031, 10, 26, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 10, 26, 1, 0, 0, TimeSpan.Zero))]);
        schedule.Covers(new DateTimeOffset(2031, 10, 26, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 10, 26, 2, 0, 0, TimeSpan.Zero), Berlin)
            .Should().BeTrue("02:00 to 03:00 by the second reading of the clock is still before the window's 03:00");
    }

    [Fact]
    public void Closed_dates_and_days_without_windows_have_no_hours()
    {
        var schedule = new Schedule(30, new Dictionary<string, IReadOnlyList<Window>> { ["monday"] = [new Window(540, 600)] }, [new DateOnly(2031, 4, 14)]);

        schedule.Grid(new DateOnly(2031, 4, 7), TimeZoneInfo.Utc).Should().HaveCount(2);
        schedule.Grid(new DateOnly(2031, 4, 14), TimeZoneInfo.Utc).Should().BeEmpty("closed");
        schedule.Grid(new DateOnly(2031, 4, 8), TimeZoneInfo.Utc).Should().BeEmpty("no hours on tuesdays");
        schedule.Covers(new DateTimeOffset(2031, 4, 14, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 4, 14, 9, 30, 0, TimeSpan.Zero), TimeZoneInfo.Utc).Should().BeFalse();
    }

    [Fact]
    public void The_first_and_last_days_of_the_calendar_have_no_hours_and_nothing_overflows()
    {
        var schedule = Daily(30, 0, Window.DayMinutes);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");

        schedule.Grid(DateOnly.MinValue, zone).Should().BeEmpty();
        schedule.Grid(DateOnly.MaxValue, zone).Should().BeEmpty();
        schedule.Grid(DateOnly.MaxValue.AddDays(-1), zone).Should().NotBeEmpty();
        schedule.Covers(DateTimeOffset.MaxValue.AddMinutes(-30), DateTimeOffset.MaxValue, zone).Should().BeFalse();
        schedule.Covers(DateTimeOffset.MinValue, DateTimeOffset.MinValue.AddMinutes(30), Berlin).Should().BeFalse();
    }
}
