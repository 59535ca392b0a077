/*
 * cclab benchmark anchor (our code, not part of PeerSim): the Control that
 * seeds the rumor, stops the cycle-driven simulation once all n nodes know
 * it, and reports the number of cycles and the wall time.
 *
 * CDSimulator runs the configured controls at the start of every cycle,
 * before FullNextCycle. At the start of cycle 0 this control informs node 0
 * and starts the clock; at the start of cycle R it finds all nodes informed,
 * so exactly R cycles (rounds) of push were executed, and it returns true,
 * which ends the experiment before cycle R's FullNextCycle runs.
 *
 * Output (stdout), one line:
 *   peersim_push n=<n> cycles=<R> messages=<m> sim_s=<s> setup_s=<s>
 * sim_s: from the start of cycle 0 to the stop (the simulation proper);
 * setup_s: from JVM start to the start of cycle 0 (class loading, config,
 * building and cloning the n nodes).
 */
import java.lang.management.ManagementFactory;
import peersim.cdsim.CDState;
import peersim.config.Configuration;
import peersim.core.Control;
import peersim.core.Network;

public class PushObserver implements Control {

	private static final String PAR_PROT = "protocol";

	private final int pid;
	private long t0 = -1;
	private double setupS;

	public PushObserver(String prefix) {
		pid = Configuration.getPid(prefix + "." + PAR_PROT);
	}

	public boolean execute() {
		final int c = CDState.getCycle();
		final int n = Network.size();
		if (t0 < 0) {
			setupS = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
			PushGossip.informed = 0;
			PushGossip.messages = 0;
			((PushGossip) Network.get(0).getProtocol(pid)).inform(-1);
			t0 = System.nanoTime();
		}
		if (PushGossip.informed < n) return false;
		final double simS = (System.nanoTime() - t0) / 1e9;
		// sanity check outside the timed part: every node really is informed,
		// and no node was informed after the last executed cycle
		for (int i = 0; i < n; i++) {
			int ic = ((PushGossip) Network.get(i).getProtocol(pid)).informedAtCycle;
			if (ic == PushGossip.NEVER || ic >= c)
				throw new IllegalStateException("node " + i + " informedAtCycle=" + ic);
		}
		System.out.printf("peersim_push n=%d cycles=%d messages=%d sim_s=%.4f setup_s=%.3f%n",
				n, c, PushGossip.messages, simS, setupS);
		return true;
	}
}
