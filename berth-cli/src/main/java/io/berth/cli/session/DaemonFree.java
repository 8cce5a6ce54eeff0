package io.berth.cli.session;

/**
 * A command (or command group) that talks to no berthd: {@code berth registry serve}, {@code berth
 * lab}. berth's daemon options ({@code -H}, {@code --tls...}) are inherited by every command, so
 * without this mark they would be accepted there and ignored; with it they are refused by name.
 */
public interface DaemonFree {
  /** Why the daemon options do not apply, said after the option's name. */
  String withoutDaemon();
}
