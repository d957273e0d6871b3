/**
 * The dialplan applications the simulator knows (mod_dptools and friends), enough for an answering,
 * recording, queueing call centre and for what the appliance sends with `sendmsg`. An unknown application
 * hangs the channel up with DESTINATION_OUT_OF_ORDER, as FreeSWITCH does.
 */
import { parseHangupCause } from './channel';
import type { AppImpl, SwitchCore } from './switch-core';

function setVariable(data: string, set: (name: string, value: string | undefined) => void): void {
  const eq = data.indexOf('=');
  if (eq <= 0) return;
  const name = data.slice(0, eq).trim();
  const value = data.slice(eq + 1);
  set(name, value === '' ? undefined : value);
}

const answer: AppImpl = ({ core, channel, complete }) => {
  core.answer({ channel });
  complete();
  return undefined;
};

const preAnswer: AppImpl = ({ core, channel, complete }) => {
  core.preAnswer({ channel });
  complete();
  return undefined;
};

const ringReady: AppImpl = ({ core, channel, complete }) => {
  core.ringReady({ channel });
  complete();
  return undefined;
};

/** The hang-up completes the application (CHANNEL_EXECUTE_COMPLETE after CHANNEL_HANGUP). */
const hangup: AppImpl = ({ core, channel, data }) => {
  core.hangup({
    channel,
    cause: parseHangupCause({ name: data.trim() || 'NORMAL_CLEARING' }) ?? 'NORMAL_CLEARING',
  });
  return undefined;
};

const park: AppImpl = ({ core, channel, complete }) => {
  core.firePark({ channel, parked: true });
  const leave = (): void => {
    core.firePark({ channel, parked: false });
    complete();
  };
  return { hostsPrivateApps: true, onHangup: leave, onBreak: leave };
};

const set: AppImpl = ({ channel, data, complete }) => {
  setVariable(data, (name, value) => channel.setVariable({ name, value }));
  complete();
  return undefined;
};

const unset: AppImpl = ({ channel, data, complete }) => {
  channel.setVariable({ name: data.trim(), value: undefined });
  complete();
  return undefined;
};

/** Waits; playback-like applications pre-answer an unanswered channel first (they need media). */
function timed(options: {
  ms: (core: SwitchCore, data: string) => number | undefined;
  response: string;
}): AppImpl {
  return ({ core, channel, data, complete }) => {
    const ms = options.ms(core, data);
    if (ms === undefined) {
      complete('FILE NOT FOUND');
      return undefined;
    }
    if (!channel.answered) core.preAnswer({ channel });
    const cancel = Number.isFinite(ms)
      ? core.channelTimer({ channel, ms, run: () => complete(options.response) })
      : () => undefined;
    const stop = (): void => {
      cancel();
      complete(options.response);
    };
    return { onHangup: stop, onBreak: stop };
  };
}

const playback: AppImpl = ({ core, channel, data, complete }) => {
  const file = data.trim();
  const ms = core.promptDurationMs({ file });
  if (ms === undefined) {
    complete('FILE NOT FOUND');
    return undefined;
  }
  if (!channel.answered) core.preAnswer({ channel });
  const started = core.clock.now();
  core.playbackStarted({ channel, file });
  const finish = (status: 'done' | 'break'): void => {
    core.playbackStopped({ channel, file, playedMs: core.clock.now() - started, status });
    complete('FILE PLAYED');
  };
  const cancel = Number.isFinite(ms)
    ? core.channelTimer({ channel, ms, run: () => finish('done') })
    : () => undefined;
  const stop = (): void => {
    cancel();
    finish('break');
  };
  return { onHangup: stop, onBreak: stop };
};

const recordSession: AppImpl = ({ core, channel, data, complete }) => {
  const path = data.trim().split(/\s+/)[0] ?? '';
  if (path !== '') core.startRecording({ channel, path });
  complete();
  return undefined;
};

const stopRecordSession: AppImpl = ({ core, channel, data, complete }) => {
  const path = data.trim();
  core.stopRecording({ channel, path: path === '' || path === 'all' ? undefined : path });
  complete();
  return undefined;
};

/** Calls the dial string and bridges; the dialplan continues when the bridge ends (hangup_after_bridge=false). */
const bridge: AppImpl = ({ core, channel, data, complete }) => {
  const handle = core.originate({
    dialString: data,
    callerIdName: channel.profile.callerIdName,
    callerIdNumber: channel.profile.callerIdNumber,
    originator: channel,
    onResult: (result) => {
      if (!result.ok) {
        channel.setVariable({ name: 'originate_disposition', value: result.cause });
        channel.setVariable({ name: 'DIALSTATUS', value: result.cause });
        complete();
        return;
      }
      if (channel.isDown) {
        core.hangup({ channel: result.channel, cause: 'ORIGINATOR_CANCEL' });
        return;
      }
      channel.setVariable({ name: 'originate_disposition', value: 'SUCCESS' });
      channel.setVariable({ name: 'DIALSTATUS', value: 'SUCCESS' });
      if (!channel.answered) core.answer({ channel });
      core.bridge({ a: channel, b: result.channel });
    },
  });
  const stop = (): void => {
    handle.cancel();
    complete();
  };
  return { onHangup: stop, onBreak: stop, onUnbridged: () => complete() };
};

const transfer: AppImpl = ({ core, channel, data }) => {
  const destination = data.trim().split(/\s+/)[0] ?? '';
  // The transfer itself completes this application and starts the new extension.
  core.transfer({ channel, destination });
  return undefined;
};

const done: AppImpl = ({ complete }) => {
  complete();
  return undefined;
};

export function registerStandardApplications(options: { core: SwitchCore }): void {
  const { core } = options;
  const apps: Record<string, AppImpl> = {
    answer,
    pre_answer: preAnswer,
    ring_ready: ringReady,
    hangup,
    park,
    set,
    export: set,
    unset,
    playback,
    endless_playback: timed({ ms: () => Number.POSITIVE_INFINITY, response: 'FILE PLAYED' }),
    speak: timed({ ms: (c) => c.options.defaultPromptMs, response: '_none_' }),
    sleep: timed({ ms: (_c, data) => Math.max(0, Number.parseInt(data, 10) || 0), response: '_none_' }),
    echo: timed({ ms: () => Number.POSITIVE_INFINITY, response: '_none_' }),
    record_session: recordSession,
    stop_record_session: stopRecordSession,
    bridge,
    transfer,
    log: done,
    info: done,
  };
  for (const [name, impl] of Object.entries(apps)) core.registerApp({ name, impl });
}
