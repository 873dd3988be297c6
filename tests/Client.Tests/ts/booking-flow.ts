// A tiny booking app's flow through the client NSwag generates from the served OpenAPI document, with no edits:
// list a doctor's slots, book one by its date_time, read it, lose a race for it, cancel it with If-Match from its
// ETag, read an error's code. Compiled with `strict`; every read goes through `known`, so a member the document
// leaves out (and that the generated classes only reach through their `[key: string]: any`) fails the compile.
import {
    ApiResponse, AppointmentsClient, AppointmentStatus, ChangedResponse, CreateAppointmentRequest, ErrorCode,
    ICreateAppointmentRequest, ProblemDetails, ReminderMethod, SlotDocument,
} from "./client";

declare const process: { argv: string[]; exitCode?: number };

interface Setup {
    baseUrl: string;
    doctor: string;
    slotMinutes: number;
    patient: string;
    rival: string;
    admin: string;
    forPatient: string;
}

/** The members a generated type declares, without its index signature. */
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
const known = <T>(value: T): Known<T> => value;

/** Compiles only when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(proof: Same<A, B>): Same<A, B> => proof;

// What the document must say for a client to be written without guessing.
same<Known<SlotDocument>["duration_minutes"], number>(true);
same<Known<SlotDocument>["start"], string>(true);
same<Known<ProblemDetails>["code"], ErrorCode>(true);
same<Known<ProblemDetails>["errors"], { [key: string]: string[] } | undefined>(true);
same<Parameters<AppointmentsClient["listDoctorSlots"]>[1], string>(true);
same<Parameters<AppointmentsClient["listAppointments"]>[3], boolean | undefined>(true);
same<Parameters<AppointmentsClient["listAppointments"]>[4], number | undefined>(true);
same<Known<CreateAppointmentRequest>["reminder_method"], ReminderMethod | undefined>(true);

function check(condition: boolean, what: string): void {
    if (!condition) {
        throw new Error(`booking flow: ${what}`);
    }
}

function client(setup: Setup, token: string): AppointmentsClient {
    return new AppointmentsClient(setup.baseUrl, {
        fetch: (url: RequestInfo, init?: RequestInit) =>
            fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } }),
    });
}

function etag(response: ApiResponse<unknown>): string {
    const value: unknown = response.headers["etag"];
    check(typeof value === "string" && value.length > 0, "the answer carries an ETag");
    return value as string;
}

/** The problem a call is refused with, as the generated client throws it. */
async function refusal(call: Promise<unknown>): Promise<Known<ProblemDetails>> {
    try {
        await call;
    } catch (error) {
        check(error instanceof ProblemDetails, `a refusal is a ProblemDetails, not ${String(error)}`);
        return known(error as ProblemDetails);
    }

    throw new Error("booking flow: the call was not refused");
}

/** A day ahead of today, as `format: date` is written. */
function day(daysAhead: number): string {
    const today = new Date();
    const date = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate() + daysAhead));
    return date.toISOString().slice(0, 10);
}

const instant = (text: string): number => {
    const time = Date.parse(text);
    check(!Number.isNaN(time), `${text} is an instant`);
    return time;
};

async function main(setup: Setup): Promise<void> {
    const patient = client(setup, setup.patient);

    // A week of the doctor's free slots, starting a week ahead.
    const slots = (await patient.listDoctorSlots(setup.doctor, day(7), day(13))).result.map(known);
    check(slots.length > 0, "the doctor has free slots");
    const slot = slots[0];
    check(slot.duration_minutes === setup.slotMinutes, `a slot lasts ${setup.slotMinutes} minutes, not ${slot.duration_minutes}`);
    check(instant(slot.end) - instant(slot.start) === slot.duration_minutes * 60_000, "a slot's end is its start plus its length");

    // Book it by sending its date_time back; the booking lasts exactly the slot.
    const method: ReminderMethod = "none";
    const request: Known<ICreateAppointmentRequest> = { doctor: setup.doctor, date_time: slot.date_time, reminder_method: method };
    const booked = await patient.bookAppointment(new CreateAppointmentRequest(request), `flow-${slot.date_time}`);
    const created = known(booked.result);
    const appointment = known(created.appointment!);
    const scheduled: AppointmentStatus = "scheduled";
    check(booked.status === 201 && created._id.length > 0, "booking answers 201 with the new id");
    check(appointment.status === scheduled, `a new appointment is scheduled, not ${appointment.status}`);
    check(appointment.start === slot.start, "the appointment starts at the slot's start, in the same offset");
    check(appointment.duration_minutes === slot.duration_minutes, "the appointment lasts the slot, not the default");

    // Read it back, with the version to change.
    const read = await patient.getAppointment(created._id);
    const version = etag(read);
    check(known(read.result).date_time === slot.date_time, "reading it gives the booked time");
    check(etag(booked) === version, "the booking's ETag is the version read");

    // Someone else wants the same slot: a code to branch on, not English.
    const rival = client(setup, setup.rival);
    const taken = await refusal(rival.bookAppointment(new CreateAppointmentRequest({ doctor: setup.doctor, date_time: slot.date_time, reminder_method: "none" }), "rival"));
    const doctorBooked: ErrorCode = "doctor_booked";
    check(taken.code === doctorBooked && taken.status === 409, `a taken slot is 409 doctor_booked, not ${taken.status} ${taken.code}`);

    // An admin books for a patient, naming them.
    const admin = client(setup, setup.admin);
    const forSomeone: Known<ICreateAppointmentRequest> = { doctor: setup.doctor, date_time: slots[1].date_time, username: setup.forPatient, reminder_method: "none" };
    const theirs = known(known((await admin.bookAppointment(new CreateAppointmentRequest(forSomeone), "for-someone")).result).appointment!);
    check(theirs.username === setup.forPatient, `an admin's booking for ${setup.forPatient} is theirs, not ${theirs.username}`);

    // Cancel it, sending back the version read; the answer is the document as it is now, with its new version.
    const cancelled = await patient.cancelAppointment(created._id, version, undefined);
    const now: Known<ChangedResponse> = known(cancelled.result);
    const cancelledStatus: AppointmentStatus = "cancelled";
    check(known(now.appointment!).status === cancelledStatus, "the cancel answers the cancelled appointment");
    check(etag(cancelled) !== version, "a cancel gives a new version");

    // The old version again: refused, with the current one to decide again.
    const stale = await refusal(patient.cancelAppointment(created._id, version, undefined));
    check(stale.code === "precondition_failed" && stale.etag === etag(cancelled), `a stale If-Match is precondition_failed with the current etag, not ${stale.code} ${stale.etag}`);

    // The list filters by a status and by "from now on".
    const mine = (await patient.listAppointments(cancelledStatus, undefined, undefined, true, 10)).result.map(known);
    check(mine.length === 1 && mine[0]._id === created._id, "listing my cancelled upcoming appointments finds it");

    console.log("booking flow: ok");
}

main(JSON.parse(process.argv[2]) as Setup).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
