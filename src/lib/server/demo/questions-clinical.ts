/**
 * Demo questions: medicine and clinical information. Original text written for
 * Concord; educational examples with fictional patients, not medical advice.
 */
import type { DemoQuestion } from './types';
import { padded } from './verbose';

export const clinicalQuestions: DemoQuestion[] = [
	{
		id: 'med-01',
		category: 'clinical-information',
		tags: ['diagnostics', 'statistics', 'calculation'],
		turns: [
			'A screening test has 90% sensitivity and 95% specificity. The condition has a prevalence of 1%. If a person tests positive, what is the probability they actually have the condition?'
		],
		reference: [
			'PPV = (0.90 × 0.01) / (0.90 × 0.01 + 0.05 × 0.99) = 0.009 / 0.0585 ≈ 15.4%. Most positives are false positives because the condition is rare.'
		],
		answers: {
			'atlas-large': [
				`This is the **positive predictive value**. Per 10,000 people: 100 have the condition, 90 of them test positive; of the 9,900 without it, 5% = 495 test positive.

$$\\text{PPV} = \\frac{0.90 \\times 0.01}{0.90 \\times 0.01 + 0.05 \\times 0.99} = \\frac{0.009}{0.0585} \\approx 15.4\\%$$

So only about **1 in 6–7 positives** is a true case; at low prevalence, positives need a confirmatory test.`
			],
			'brisk-small': ['90%, because the test is 90% sensitive.'],
			'verbose-tuned': [
				padded(
					`This question is about the positive predictive value (PPV), which is the probability that a person who tests positive really has the condition. It is a very common source of confusion, because many people assume that the PPV is the same as the sensitivity, but it is not.

To calculate it, it helps to imagine a population of 10,000 people:
- With a prevalence of 1%, 100 people have the condition and 9,900 do not.
- With a sensitivity of 90%, 90 of the 100 people with the condition test positive.
- With a specificity of 95%, 5% of the 9,900 people without the condition test positive, which is 495 people.
- In total, 90 + 495 = 585 people test positive.

The PPV is therefore 90 / 585, which is approximately **15.4%**.

This shows that when a condition is rare, even a fairly accurate test produces many false positives. This is why positive screening results are usually followed up with further testing.`,
					34
				)
			]
		}
	},
	{
		id: 'med-02',
		category: 'clinical-information',
		tags: ['diabetes', 'laboratory'],
		turns: ['What does HbA1c measure, and why does it reflect roughly the last three months?'],
		answers: {
			'atlas-large': [
				'HbA1c is the fraction of haemoglobin that has glucose irreversibly attached (**glycated**). Glucose binds non-enzymatically at a rate proportional to its concentration, and the bond lasts for the life of the red blood cell — about **120 days**. The result is therefore a weighted average of blood glucose over the previous 2–3 months, weighted toward the most recent weeks. It is unreliable when red-cell lifespan is altered (haemolysis, recent transfusion, some haemoglobin variants, pregnancy, iron deficiency).'
			],
			'brisk-small': ['It measures blood sugar over the last week.'],
			'verbose-tuned': [
				padded(
					`HbA1c, also called glycated haemoglobin, is a blood test that is widely used for diagnosing and monitoring diabetes. It measures the percentage of haemoglobin molecules in red blood cells that have glucose attached to them.

When glucose levels in the blood are high, more glucose attaches to haemoglobin. Once the glucose has attached, it stays attached for the lifetime of the red blood cell. Red blood cells live for about 120 days, which is roughly four months. Because the red blood cells in the blood at any time have different ages, the HbA1c result reflects the average blood glucose level over approximately the last two to three months.

This makes HbA1c very useful, because it gives a longer-term picture than a single blood glucose measurement, which can vary a lot during the day. However, certain conditions that affect red blood cells can make the results less accurate.`,
					35
				)
			]
		}
	},
	{
		id: 'med-03',
		category: 'clinical-information',
		tags: ['anthropometrics', 'calculation'],
		turns: [
			'Calculate the BMI of an adult who is 1.75 m tall and weighs 82 kg, and give the WHO category.',
			'What are the main limitations of BMI as a measure?'
		],
		reference: [
			'BMI = 82 / 1.75² = 82 / 3.0625 ≈ 26.8 kg/m², which the WHO classifies as overweight (pre-obese), 25.0–29.9.',
			'BMI does not distinguish muscle from fat or show fat distribution (waist circumference is a better marker of visceral fat), and the cut-offs fit some populations poorly (lower thresholds are used for many Asian populations); it is also less meaningful in older adults, athletes, children (who use percentiles) and pregnancy.'
		],
		answers: {
			'atlas-large': [
				'$$\\text{BMI} = \\frac{82\\ \\text{kg}}{(1.75\\ \\text{m})^2} = \\frac{82}{3.0625} \\approx 26.8\\ \\text{kg/m}^2$$\n\nWHO category: **overweight (pre-obese)**, 25.0–29.9.',
				`- It cannot tell **muscle from fat** — muscular people are labelled overweight.
- It ignores **fat distribution**; abdominal (visceral) fat carries more risk, so add waist circumference or waist-to-height ratio.
- Cut-offs are based mainly on European populations; **lower thresholds** are recommended for many Asian populations.
- It is less informative in **older adults** (muscle loss), **children** (use age- and sex-specific percentiles) and **pregnancy**.`
			],
			'brisk-small': ['BMI = 82 / 1.75 = 46.9, obese.', 'It is not accurate.'],
			'verbose-tuned': [
				padded(
					`Body Mass Index, or BMI, is calculated by dividing a person's weight in kilograms by the square of their height in metres.

First, we square the height: 1.75 × 1.75 = 3.0625.
Then, we divide the weight by this number: 82 ÷ 3.0625 ≈ 26.8.

So the BMI is approximately **26.8 kg/m²**.

According to the World Health Organization classification:
- Below 18.5: underweight
- 18.5 to 24.9: normal weight
- 25.0 to 29.9: overweight (pre-obese)
- 30.0 and above: obese

Therefore, a BMI of 26.8 falls into the **overweight** category.`,
					36
				),
				padded(
					`While BMI is a simple and useful screening tool, it has several important limitations:
1. It does not distinguish between muscle mass and fat mass, so athletes may have a high BMI without excess fat.
2. It does not show where fat is located in the body, and fat around the abdomen is associated with higher health risks.
3. It may not be equally accurate for all ethnic groups.
4. It does not account for age and sex differences in body composition.
5. It is not suitable on its own for children or pregnant women.

For these reasons, BMI should be used together with other measurements and clinical assessment.`,
					37
				)
			]
		}
	},
	{
		id: 'med-04',
		category: 'clinical-information',
		tags: ['clinical-trials', 'statistics'],
		turns: [
			'In a clinical trial, what are type I and type II errors, and how do they relate to significance level and power?'
		],
		answers: {
			'atlas-large': [
				`- **Type I error** (false positive): concluding the treatment works when it does not. Its probability is the **significance level** $\\alpha$, usually 0.05.
- **Type II error** (false negative): missing a real effect. Its probability is $\\beta$; **power** is $1 - \\beta$, usually planned at 80–90%.

For a fixed sample size, lowering $\\alpha$ raises $\\beta$. Power grows with sample size, effect size and lower outcome variability, which is why trials fix $\\alpha$, the minimal clinically important difference and the desired power *before* recruitment to compute the sample size.`
			],
			'brisk-small': ['Type I is missing an effect and type II is a false alarm. Power is alpha.'],
			'verbose-tuned': [
				padded(
					`In hypothesis testing, which is the basis of most clinical trials, there are two kinds of mistakes that can be made.

A **type I error** happens when the trial concludes that there is a difference between treatments when in reality there is none. This is also called a false positive. The probability of a type I error is set by the significance level, alpha, which is commonly 5%.

A **type II error** happens when the trial fails to detect a difference that really exists. This is also called a false negative. The probability of a type II error is called beta.

**Power** is the probability of correctly detecting a real difference, and it is equal to 1 minus beta. Most trials aim for a power of 80% or 90%.

There is a trade-off between these two errors: making alpha smaller reduces the chance of a false positive but, for the same sample size, increases the chance of a false negative. Increasing the sample size can reduce both.`,
					38
				)
			]
		}
	},
	{
		id: 'med-05',
		category: 'clinical-information',
		tags: ['evidence-based-medicine', 'calculation'],
		turns: [
			'A treatment reduces the 5-year event rate from 10% to 7%. What is the number needed to treat, and what does it mean?'
		],
		reference: [
			'Absolute risk reduction = 10% − 7% = 3% (0.03). NNT = 1 / 0.03 ≈ 33.3, rounded up to 34: about 34 patients must be treated for 5 years to prevent one event. The relative risk reduction is 30%.'
		],
		answers: {
			'atlas-large': [
				`Absolute risk reduction $\\text{ARR} = 0.10 - 0.07 = 0.03$, so

$$\\text{NNT} = \\frac{1}{\\text{ARR}} = \\frac{1}{0.03} \\approx 33.3 \\rightarrow 34$$

(NNT is rounded **up**.) About **34 patients** must be treated for 5 years to prevent one event; the other 33 get no benefit from the treatment (but bear its costs and side effects). Note the same result sounds larger as a *relative* risk reduction: 30%.`
			],
			'brisk-small': ['NNT = 1 / 0.3 = 3.3, so treat 3 people.'],
			'verbose-tuned': [
				padded(
					`The number needed to treat, or NNT, is a very useful way of expressing the effectiveness of a treatment in terms that are easy to understand. It tells you how many patients need to receive the treatment for one additional patient to benefit.

To calculate the NNT, you first calculate the absolute risk reduction (ARR), which is the difference between the event rate in the control group and the event rate in the treatment group. In this case: 10% − 7% = 3%, or 0.03.

The NNT is then 1 divided by the ARR: 1 ÷ 0.03 = 33.3. By convention, the NNT is rounded up to the next whole number, which gives **34**.

This means that, on average, 34 patients need to be treated for five years to prevent one event. It is worth noting that the relative risk reduction is 30%, which sounds much more impressive than an NNT of 34, which is why it is important to look at both measures.`,
					39
				)
			]
		}
	},
	{
		id: 'med-06',
		category: 'clinical-information',
		tags: ['patient-education', 'anticoagulation', 'pharmacology'],
		turns: [
			'Write a short, plain-language explanation for a patient about why vitamin K intake matters while taking warfarin.'
		],
		answers: {
			'atlas-large': [
				`**Warfarin and vitamin K — what you need to know**

Warfarin thins your blood by blocking vitamin K, which your body uses to make clotting factors. So the amount of vitamin K you eat changes how strongly warfarin works.

- You **do not need to avoid** green vegetables — keep the amount you eat **steady** from week to week.
- A sudden increase (for example, starting a daily kale smoothie) can make warfarin work less; a sudden decrease can make you bleed more easily.
- Tell your anticoagulation clinic before big diet changes, and before starting supplements or multivitamins that contain vitamin K.
- Your INR blood test shows whether the dose is right, so keep your test appointments.

*This is general information; follow the advice of your own care team.*`
			],
			'brisk-small': ['Never eat green vegetables when taking warfarin.'],
			'verbose-tuned': [
				padded(
					`Warfarin is a medicine that helps prevent blood clots. It is sometimes called a "blood thinner", although it does not actually make your blood thinner. Instead, it slows down the time it takes for your blood to clot.

Vitamin K is a vitamin that your body needs to make clotting factors, which are proteins that help your blood to clot. Warfarin works by interfering with vitamin K. This means that the amount of vitamin K in your diet can affect how well warfarin works.

Vitamin K is found in many foods, especially green leafy vegetables such as spinach, kale, broccoli and Brussels sprouts.

The most important thing is to keep your vitamin K intake consistent. You do not have to stop eating these foods, but try to eat about the same amount each week. If you suddenly eat much more, warfarin may not work as well. If you suddenly eat much less, you may be at greater risk of bleeding.

Always talk to your doctor, nurse or pharmacist before making big changes to your diet or starting any new supplements.`,
					40
				)
			]
		}
	},
	{
		id: 'med-07',
		category: 'clinical-information',
		tags: ['documentation', 'clinical-notes'],
		turns: [
			'Summarise the structure of a SOAP note.',
			'Write a brief example SOAP note for a fictional 28-year-old with an ankle sprain after a football match.'
		],
		answers: {
			'atlas-large': [
				`- **S — Subjective**: what the patient reports: chief complaint, history of the present problem, symptoms, relevant history, medications, allergies.
- **O — Objective**: what the clinician observes and measures: vital signs, examination findings, test results.
- **A — Assessment**: the clinical interpretation: diagnosis or differential, severity, progress.
- **P — Plan**: what happens next: treatment, investigations, patient education, follow-up and safety-netting.`,
				`*Fictional patient — example only.*

**S:** 28-year-old male, inverted right ankle during football 2 h ago. Lateral ankle pain, able to take four steps with pain. No previous ankle injuries. No regular medication, no known allergies.

**O:** Swelling and tenderness over the anterior talofibular ligament. No bony tenderness at the posterior edge or tip of either malleolus, base of 5th metatarsal or navicular. Distal pulses and sensation intact.

**A:** Lateral ankle sprain, likely grade I–II. Ottawa ankle rules negative — no X-ray indicated.

**P:** Relative rest, ice, compression, elevation for 48–72 h; simple analgesia; early weight-bearing as tolerated; balance exercises once pain allows. Return if unable to bear weight, numbness, or no improvement within a week.`
			],
			'brisk-small': ['Symptoms, observation, analysis, plan.', 'S: ankle hurts. O: swollen. A: sprain. P: rest.'],
			'verbose-tuned': [
				padded(
					`A SOAP note is a widely used method of documentation for healthcare providers. The acronym SOAP stands for Subjective, Objective, Assessment and Plan. Each section has a specific purpose.

1. **Subjective:** This section contains information reported by the patient, such as their symptoms, how they feel, their medical history and their concerns.
2. **Objective:** This section contains information that can be observed or measured by the healthcare provider, such as vital signs, physical examination findings and test results.
3. **Assessment:** This section contains the healthcare provider's interpretation of the subjective and objective information, including the diagnosis.
4. **Plan:** This section describes the next steps, such as treatment, further tests, referrals, and follow-up appointments.

Using this structure helps ensure that documentation is clear, organised and consistent, which improves communication among healthcare providers.`,
					41
				),
				padded(
					`Here is an example SOAP note for a fictional patient:

**Subjective:** The patient is a 28-year-old who injured their right ankle while playing football this afternoon. They report that they twisted the ankle inwards. They have pain on the outside of the ankle and it is difficult to walk. They have no significant past medical history.

**Objective:** There is swelling and bruising on the lateral side of the right ankle. There is tenderness over the lateral ligaments. There is no tenderness over the bones. The patient is able to bear weight with some discomfort.

**Assessment:** Sprain of the right ankle.

**Plan:** The patient is advised to rest, apply ice, use compression and elevate the ankle. Pain relief can be taken as needed. The patient should return if symptoms get worse or do not improve.`,
					42
				)
			]
		}
	},
	{
		id: 'med-08',
		category: 'clinical-information',
		tags: ['renal-function', 'dosing', 'calculation'],
		turns: [
			'Estimate creatinine clearance with the Cockcroft–Gault equation for a 70-year-old man weighing 72 kg with serum creatinine 1.2 mg/dL.'
		],
		reference: ['CrCl = (140 − 70) × 72 / (72 × 1.2) = 5040 / 86.4 ≈ 58 mL/min (no 0.85 factor for a man).'],
		answers: {
			'atlas-large': [
				`$$\\text{CrCl} = \\frac{(140 - \\text{age}) \\times \\text{weight (kg)}}{72 \\times S_{Cr}\\ (\\text{mg/dL})} \\quad (\\times 0.85 \\text{ for women})$$

$$\\text{CrCl} = \\frac{(140 - 70) \\times 72}{72 \\times 1.2} = \\frac{5040}{86.4} \\approx 58\\ \\text{mL/min}$$

About **58 mL/min**. For drug dosing, check which weight (actual, ideal or adjusted) the drug's labelling assumes.`
			],
			'brisk-small': ['(140 − 70) × 72 / 1.2 = 4200 mL/min.'],
			'verbose-tuned': [
				padded(
					`The Cockcroft–Gault equation is a commonly used formula for estimating creatinine clearance, which is an indicator of kidney function. It is often used to adjust the doses of medicines that are cleared by the kidneys.

The formula is:

$$\\text{CrCl} = \\frac{(140 - \\text{age}) \\times \\text{weight}}{72 \\times \\text{serum creatinine}}$$

For women, the result is multiplied by 0.85.

Now let us plug in the values:
- Age: 70 years, so 140 − 70 = 70
- Weight: 72 kg
- Serum creatinine: 1.2 mg/dL

Numerator: 70 × 72 = 5,040
Denominator: 72 × 1.2 = 86.4
Result: 5,040 ÷ 86.4 ≈ 58.3

So the estimated creatinine clearance is approximately **58 mL/min**.

This indicates a moderate reduction in kidney function, which may be relevant when prescribing certain medicines.`,
					43
				)
			]
		}
	}
];
