/*
 * cells_lstm.c -- the lstm cell's table (cell.h): its tensors, its one
 * schedule's workspace, its plain steps.  The kernel and its OPERATION ORDER
 * are core/rnn_lstm.c; the instrumented steps are in rnn_dmd.c's table.
 *
 * LSTM with forget gate (Gers, Schmidhuber & Cummins 2000), no peepholes,
 * gate order i, f, g, o (PyTorch's nn.LSTM).  Buffer order = region order =
 * checkpoint order; the per-gate matrices of one kind are adjacent, so the
 * kernel treats W_hi .. W_ho as one (4H, H) matrix while each stays its own
 * region.
 */
#include "cell.h"

#include "rnn.h"
#include "rnn_kernel.h"

static const rnn_tensor_spec lstm_tensors[RNN_LSTM_NTENSORS] = {
    [RNN_LSTM_W_II] = {"W_ii", "dW_ii", "v_W_ii", "(I, H) stored transposed: W_ii[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_LSTM_W_IF] = {"W_if", "dW_if", "v_W_if", "(I, H) stored transposed: W_if[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_LSTM_W_IG] = {"W_ig", "dW_ig", "v_W_ig", "(I, H) stored transposed: W_ig[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_LSTM_W_IO] = {"W_io", "dW_io", "v_W_io", "(I, H) stored transposed: W_io[j*H + i]", 1, RNN_DI, RNN_DH, RNN_TI_INPUT},
    [RNN_LSTM_W_HI] = {"W_hi", "dW_hi", "v_W_hi", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_LSTM_W_HF] = {"W_hf", "dW_hf", "v_W_hf", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_LSTM_W_HG] = {"W_hg", "dW_hg", "v_W_hg", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_LSTM_W_HO] = {"W_ho", "dW_ho", "v_W_ho", "(H, H) row-major", 1, RNN_DH, RNN_DH, RNN_TI_REC},
    [RNN_LSTM_B_I] = {"b_i", "db_i", "v_b_i", "(H), 0 at init (chrono: -b_f)", 1, RNN_DH, RNN_D1, RNN_TI_KEEP_NEG},
    [RNN_LSTM_B_F] = {"b_f", "db_f", "v_b_f", "(H), 1 at init (--gate-bias)", 1, RNN_DH, RNN_D1, RNN_TI_KEEP},
    [RNN_LSTM_B_G] = {"b_g", "db_g", "v_b_g", "(H)", 1, RNN_DH, RNN_D1, RNN_TI_ZERO},
    [RNN_LSTM_B_O] = {"b_o", "db_o", "v_b_o", "(H)", 1, RNN_DH, RNN_D1, RNN_TI_ZERO},
    [RNN_LSTM_W_HY] = {"W_hy", "dW_hy", "v_W_hy", "(O, H) row-major", 1, RNN_DO, RNN_DH, RNN_TI_OUTPUT},
    [RNN_LSTM_B_Y] = {"b_y", "db_y", "v_b_y", "(O)", 1, RNN_DO, RNN_D1, RNN_TI_ZERO},
};

/* The workspace of rnn_lstm.c's OPERATION ORDER (h, dh, logits at the
 * vanilla cell's indices and layouts: rnn_hidden and the metric read them). */
static const rnn_state_spec lstm_bptt_state[] = {
    {"h", "(2, H, B) ring of the last two h_t, then (T, B, H) all h_t", 1, RNN_DT, 2, RNN_DH, RNN_DB},
    {"dh", "(B, H)", 1, RNN_DB, 0, RNN_DH, RNN_D1},
    {"dz", "(2, B, 4H) double buffer: gates i, f, g, o", 8, RNN_DB, 0, RNN_DH, RNN_D1},
    {"logits", "(K, O, B) logits, then (K, B, O) dL/dlogits", 2, RNN_DK, 0, RNN_DO, RNN_DB},
    {"c", "(T, B, H) cell states", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"gates", "(T, B, 4H) gate activations i, f, g, o", 4, RNN_DT, 0, RNN_DB, RNN_DH},
    {"tanh_c", "(T, B, H) tanh(c_t)", 1, RNN_DT, 0, RNN_DB, RNN_DH},
    {"dc", "(B, H) dL/dc_t * f_t carried to step t-1", 1, RNN_DB, 0, RNN_DH, RNN_D1},
};

static const rnn_schedule lstm_schedules[] = {
    {"bptt", "backpropagation through time as in rnn_lstm.c's OPERATION ORDER",
     (int)(sizeof lstm_bptt_state / sizeof lstm_bptt_state[0]), lstm_bptt_state, {rnn_lstm_f64, rnn_lstm_f32}, 4},
};

/* Every multiply-add of the products makes one value (forward, dh, weight
 * gradients: rnn_step_flops / 2, gates = 4), plus the
 * elementwise work (forward 14, backward 23 per element and step), the loss
 * and the update: an upper estimate. */
static double lstm_values_per_step(const rnn_model *m)
{
    const rnn_config *c = &m->cfg;
    double thb = (double)c->T * c->H * c->batch;
    return rnn_step_flops(m) / 2 + 48.0 * thb + 8.0 * (double)m->P + 8.0 * c->batch * m->K * m->O + 1024;
}

const rnn_cell rnn_cell_lstm = {
    .name = "lstm",
    .doc = "LSTM with forget gate (Gers et al. 2000), gates i, f, g, o: c_t = f c_{t-1} + i g, h_t = o tanh(c_t)",
    .ntensors = RNN_LSTM_NTENSORS,
    .tensors = lstm_tensors,
    .nschedules = (int)(sizeof lstm_schedules / sizeof lstm_schedules[0]),
    .schedules = lstm_schedules,
    .values_per_step = lstm_values_per_step,
    .gates = 4,
    .inits = 1u << RNN_INIT_ORTHO | 1u << RNN_INIT_RANDOM,
    .relu = 0,
    .whh = RNN_LSTM_W_HG, /* the candidate's recurrent matrix, vanilla's W_hh counterpart */
    .st_h = 0,
    .st_logits = 3,
    .inits_doc = "--init ortho | random (each of W_hi, W_hf, W_hg, W_ho its own draw); b_f = 1 (--gate-bias), other biases 0",
    .keep_bias = 1.0,
};
