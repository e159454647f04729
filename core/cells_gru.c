/*
 * cells_gru.c -- the gru cell's table (cell.h): its tensors, its one
 * schedule's workspace, its plain steps.  The kernel and its OPERATION ORDER
 * are core/rnn_gru.c; the instrumented steps are in rnn_dmd.c's table.
 *
 * GRU of Cho et al. (2014), reset gate applied to h_{t-1} before W_hn; gate
 * order r, z, n.  Buffer order = region order = checkpoint order; the
 * per-gate matrices of one kind are adjacent.
 */
#include "cell.h"

#include "rnn.h"
#include "rnn_kernel.h"

static const rnn_tensor_spec gru_tensors[RNN_GRU_NTENSORS] = {
    [RNN_GRU_W_IR] = {"W_ir", "dW_ir", "v_W_ir", "(I, H) stored transposed: W_ir[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_GRU_W_IZ] = {"W_iz", "dW_iz", "v_W_iz", "(I, H) stored transposed: W_iz[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_GRU_W_IN] = {"W_in", "dW_in", "v_W_in", "(I, H) stored transposed: W_in[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_GRU_W_HR] = {"W_hr", "dW_hr", "v_W_hr", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_GRU_W_HZ] = {"W_hz", "dW_hz", "v_W_hz", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_GRU_W_HN] = {"W_hn", "dW_hn", "v_W_hn", "(H, H) row-major, multiplies r_t * h_{t-1}", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_GRU_B_R] = {"b_r", "db_r", "v_b_r", "(H)", 1, RNN_DH, RNN_D1, RNN_TI_ZERO},
    [RNN_GRU_B_Z] = {"b_z", "db_z", "v_b_z", "(H), 0 at init (--gate-bias)", 1, RNN_DH, RNN_D1, RNN_TI_KEEP},
    [RNN_GRU_B_N] = {"b_n", "db_n", "v_b_n", "(H)", 1, RNN_DH, RNN_D1, RNN_TI_ZERO},
    [RNN_GRU_W_HY] = {"W_hy", "dW_hy", "v_W_hy", "(O, H) row-major", 1, RNN_DO, RNN_DH, RNN_TI_OUTPUT},
    [RNN_GRU_B_Y] = {"b_y", "db_y", "v_b_y", "(O)", 1, RNN_DO, RNN_D1, RNN_TI_ZERO},
};

/* The workspace of rnn_gru.c's OPERATION ORDER (the order of rnn_state.gru;
 * h and logits at the places st_h and st_logits name). */
static const rnn_state_spec gru_bptt_state[] = {
    {"h", "(2, H, B) ring of the last two h_t, then (T, B, H) all h_t", 1, RNN_DT, 2, RNN_DH, RNN_DB},
    {"r", "(T, B, H) reset gate r_t", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"z", "(T, B, H) update gate z_t", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"n", "(T, B, H) candidate n_t", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"rh", "(H, B) r_t * h_{t-1} of the step, then (T, B, H) of every step", 1, RNN_DT, 1, RNN_DB, RNN_DH},
    {"dh", "(B, H) dL/dh_t, then the carry into dL/dh_{t-1}", 1, RNN_DB, 0, RNN_DH, RNN_D1},
    {"da", "(2, 3, B, H) double buffer: dL/d(pre-activation) of r, z, n", 6, RNN_DB, 0, RNN_DH, RNN_D1},
    {"logits", "(K, O, B) logits, then (K, B, O) dL/dlogits", 2, RNN_DK, 0, RNN_DO, RNN_DB},
};

static const rnn_schedule gru_schedules[] = {
    {"bptt", "backpropagation through time as in rnn_gru.c's OPERATION ORDER",
     (int)(sizeof gru_bptt_state / sizeof gru_bptt_state[0]), gru_bptt_state, {rnn_gru_f64, rnn_gru_f32}, 3},
};

/* Every multiply-add of the products makes one value (forward, dh, weight
 * gradients: rnn_step_flops / 2, gates = 3; the second pass's W_hn product
 * is within the backward's share), plus the elementwise work (forward 14,
 * backward 22 per element and step), the loss and the update: an upper
 * estimate. */
static double gru_values_per_step(const rnn_model *m)
{
    const rnn_config *c = &m->cfg;
    double thb = (double)c->T * c->H * c->batch;
    return rnn_step_flops(m) / 2 + 48.0 * thb + 8.0 * (double)m->P + 8.0 * c->batch * m->K * m->O + 1024;
}

const rnn_cell rnn_cell_gru = {
    .name = "gru",
    .doc = "GRU (Cho et al. 2014), gates r, z, n: n = tanh(W_in x + W_hn (r h) + b_n), h_t = (1-z) n + z h_{t-1}",
    .ntensors = RNN_GRU_NTENSORS,
    .tensors = gru_tensors,
    .nschedules = (int)(sizeof gru_schedules / sizeof gru_schedules[0]),
    .schedules = gru_schedules,
    .values_per_step = gru_values_per_step,
    .gates = 3,
    .inits = 1u << RNN_INIT_ORTHO | 1u << RNN_INIT_RANDOM,
    .relu = 0,
    .whh = RNN_GRU_W_HN, /* the candidate's recurrent matrix, vanilla's W_hh counterpart */
    .st_h = 0,
    .st_logits = 7,
    .inits_doc = "--init ortho | random (each of W_hr, W_hz, W_hn its own draw); biases 0 (b_z: --gate-bias)",
    .keep_bias = 0.0,
};
