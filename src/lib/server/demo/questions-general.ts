/** Demo questions: general knowledge, programming and writing. Original text written for Concord. */
import type { DemoQuestion } from './types';
import { padded } from './verbose';

const fence = '```';

export const generalQuestions: DemoQuestion[] = [
	{
		id: 'gen-01',
		category: 'general',
		tags: ['programming', 'python'],
		turns: [
			'Write a Python function that checks whether a string is a palindrome, ignoring case and any character that is not a letter or digit.'
		],
		answers: {
			'atlas-large': [
				`${fence}python
def is_palindrome(text: str) -> bool:
    """True if text reads the same both ways, ignoring case and non-alphanumerics."""
    chars = [c.casefold() for c in text if c.isalnum()]
    return chars == chars[::-1]


assert is_palindrome("A man, a plan, a canal: Panama")
assert not is_palindrome("Concord")
${fence}

\`casefold()\` handles more languages than \`lower()\`; \`isalnum()\` accepts Unicode letters and digits. It runs in $O(n)$ time and memory; a two-pointer loop would avoid the copy if memory matters.`
			],
			'brisk-small': [
				`${fence}python
def is_palindrome(s):
    return s == s[::-1]
${fence}`
			],
			'verbose-tuned': [
				padded(
					`A palindrome is a word, phrase or sequence that reads the same backwards as forwards, such as "racecar" or "A man, a plan, a canal: Panama". To check for a palindrome while ignoring case and non-alphanumeric characters, we first need to clean the string, and then compare it to its reverse.

Here is a function that does this:

${fence}python
def is_palindrome(s):
    # Step 1: keep only letters and digits, converted to lower case
    cleaned = ""
    for character in s:
        if character.isalnum():
            cleaned = cleaned + character.lower()
    # Step 2: compare the cleaned string with its reverse
    reversed_string = cleaned[::-1]
    if cleaned == reversed_string:
        return True
    else:
        return False
${fence}

Let me explain how it works:
1. We create an empty string called \`cleaned\`.
2. We loop over each character in the input string.
3. If the character is a letter or a digit, we convert it to lower case and add it to \`cleaned\`.
4. We reverse the cleaned string using slicing.
5. We compare the two strings and return the result.

You can test it like this: \`is_palindrome("A man, a plan, a canal: Panama")\` returns \`True\`.`,
					44
				)
			]
		}
	},
	{
		id: 'gen-02',
		category: 'general',
		tags: ['programming', 'operating-systems'],
		turns: ['What is the difference between a process and a thread?'],
		answers: {
			'atlas-large': [
				`A **process** is a running program with its own address space and resources (open files, sockets); processes are isolated from each other and communicate through IPC. A **thread** is a unit of execution inside a process; threads of one process share memory and resources but each has its own stack and registers.

Consequences: threads are cheaper to create and switch and can share data directly — but that sharing needs synchronisation (locks, atomics) and a crash in one thread takes down the whole process. Processes give isolation at the cost of more overhead.`
			],
			'brisk-small': ['A thread is a small process. They are the same thing basically.'],
			'verbose-tuned': [
				padded(
					`Processes and threads are both fundamental concepts in operating systems, and understanding the difference between them is very important for anyone who writes software.

A **process** is an instance of a program that is being executed. Each process has its own separate memory space, which means that one process cannot directly access the memory of another process. Processes also have their own resources, such as file handles. Because of this separation, processes are isolated from each other, which improves stability and security.

A **thread** is the smallest unit of execution within a process. A single process can contain multiple threads, and these threads share the same memory space and resources of the process. However, each thread has its own stack and its own set of registers.

Key differences:
- Memory: processes have separate memory; threads share memory.
- Creation: creating a thread is usually faster than creating a process.
- Communication: threads can communicate easily through shared memory; processes need special mechanisms.
- Isolation: a problem in one process usually does not affect others; a problem in one thread can affect the whole process.`,
					45
				)
			]
		}
	},
	{
		id: 'gen-03',
		category: 'general',
		tags: ['writing', 'email'],
		turns: [
			'Draft a polite email declining an invitation to a vendor demo next Tuesday because our evaluation has been postponed to next quarter.',
			'Make it shorter and more formal.'
		],
		answers: {
			'atlas-large': [
				`Subject: Next Tuesday's demo

Hi Dana,

Thank you for the invitation to next Tuesday's demo. Our evaluation of tools in this area has been moved to next quarter, so we will not be able to attend — I did not want to take up your team's time before we are ready to look properly.

I will get in touch when the evaluation restarts, and we would be glad to see the demo then.

Best regards,
Sam`,
				`Subject: Demo on Tuesday — declined with thanks

Dear Ms Lee,

Thank you for your invitation. As our evaluation has been postponed to next quarter, we must respectfully decline the demonstration on Tuesday. We will contact you when the evaluation resumes.

Yours sincerely,
Sam Ortiz`
			],
			'brisk-small': ["Hi, we can't come Tuesday. Bye.", "We can't come."],
			'verbose-tuned': [
				padded(
					`Here is a draft email:

Subject: Regarding the Product Demonstration Scheduled for Next Tuesday

Dear Dana,

I hope this email finds you well. I wanted to take a moment to reach out and thank you very much for your kind invitation to attend the product demonstration next Tuesday. We truly appreciate the time and effort that you and your team have put into organising it.

Unfortunately, due to some changes in our internal planning, our evaluation process for solutions in this area has been postponed until next quarter. As a result, we will not be able to attend the demonstration at this time, as we would not be in a position to give it the attention it deserves.

We remain very interested in learning more about your product, and I will be sure to reach out to you as soon as our evaluation resumes so that we can find a convenient time.

Thank you again for your understanding, and I look forward to staying in touch.

Warm regards,
Sam`,
					46
				),
				padded(
					`Here is a shorter and more formal version of the email:

Subject: Product Demonstration on Tuesday

Dear Ms Lee,

Thank you for your kind invitation to the product demonstration next Tuesday. Regrettably, as our evaluation has been postponed to the next quarter, we are unable to attend at this time. We will contact you once the evaluation resumes.

We appreciate your understanding.

Yours sincerely,
Sam Ortiz`,
					47
				)
			]
		}
	},
	{
		id: 'gen-04',
		category: 'general',
		tags: ['algorithms', 'complexity'],
		turns: ['What is the time complexity of binary search, and why?'],
		reference: [
			'O(log n): each comparison halves the remaining range of a sorted array, so after k steps n/2^k elements remain, and the search ends when that reaches 1, i.e. after about log₂ n steps. Space is O(1) iteratively.'
		],
		answers: {
			'atlas-large': [
				'**$O(\\log n)$.** Each comparison with the middle element discards half of the remaining sorted range, so after $k$ steps $n / 2^k$ elements remain; the search ends when that reaches 1, after about $\\log_2 n$ steps — 20 comparisons for a million elements. It needs $O(1)$ extra space iteratively, and it requires sorted, randomly accessible data.'
			],
			'brisk-small': ['O(n) because in the worst case you look at every element.'],
			'verbose-tuned': [
				padded(
					`Binary search is a classic and very efficient algorithm for finding an item in a sorted list. Its time complexity is **O(log n)**, where n is the number of elements in the list.

Here is why. Binary search works by comparing the target value with the middle element of the list. If they are equal, the search is finished. If the target is smaller, the search continues in the left half; if it is larger, it continues in the right half. Each step cuts the number of remaining elements in half.

So, starting with n elements, after one step there are n/2 elements, after two steps n/4, after three steps n/8, and so on. After k steps, there are n/2^k elements left. The search ends when only one element is left, which happens when k is approximately log₂ n.

For example, for a list of 1,000,000 elements, binary search needs at most about 20 comparisons, whereas a linear search might need up to 1,000,000.`,
					48
				)
			]
		}
	},
	{
		id: 'gen-05',
		category: 'general',
		tags: ['programming', 'sql'],
		turns: [
			'Given tables customers(id, name) and orders(id, customer_id, amount), write SQL that returns the top 3 customers by total order amount.'
		],
		answers: {
			'atlas-large': [
				`${fence}sql
SELECT c.id, c.name, SUM(o.amount) AS total_amount
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_amount DESC
LIMIT 3;
${fence}

Customers without orders are excluded by the inner join, which is what "top by amount" needs. If ties at third place should all be returned, use \`FETCH FIRST 3 ROWS WITH TIES\` (PostgreSQL 13+) instead of \`LIMIT 3\`.`
			],
			'brisk-small': [
				`${fence}sql\nSELECT name, amount FROM customers, orders ORDER BY amount DESC LIMIT 3;\n${fence}`
			],
			'verbose-tuned': [
				padded(
					`To find the top 3 customers by total order amount, we need to combine the two tables, add up the order amounts for each customer, sort the results, and keep only the first three rows.

Here is the SQL query:

${fence}sql
SELECT
    customers.id,
    customers.name,
    SUM(orders.amount) AS total_amount
FROM
    customers
    INNER JOIN orders ON orders.customer_id = customers.id
GROUP BY
    customers.id,
    customers.name
ORDER BY
    total_amount DESC
LIMIT 3;
${fence}

Explanation of each part:
- \`INNER JOIN\` connects each order with the customer who placed it.
- \`SUM(orders.amount)\` adds up the amounts of all orders for each customer.
- \`GROUP BY\` groups the rows so that there is one row per customer.
- \`ORDER BY total_amount DESC\` sorts the customers from highest to lowest total.
- \`LIMIT 3\` keeps only the top three.

Note that the exact syntax for limiting rows can vary between database systems; for example, SQL Server uses \`TOP 3\`.`,
					49
				)
			]
		}
	},
	{
		id: 'gen-06',
		category: 'general',
		tags: ['probability', 'puzzles'],
		turns: [
			'In the Monty Hall problem, you pick one of three doors, the host (who knows where the car is) opens another door showing a goat, and offers a switch. Should you switch?'
		],
		reference: [
			'Yes. Switching wins with probability 2/3: your first pick is right 1/3 of the time, and in the other 2/3 of cases the host must reveal the only other goat, so the remaining door has the car.'
		],
		answers: {
			'atlas-large': [
				"**Yes — switching wins 2/3 of the time.** Your first pick is the car with probability 1/3, and the host's action does not change that. In the other 2/3 of cases the car is behind one of the two doors you did not pick, and the host — who must open a goat door — leaves exactly that door closed. So the door you can switch to hides the car with probability 2/3. The key is that the host's choice is not random: it uses his knowledge."
			],
			'brisk-small': ['It does not matter: two doors are left, so it is 50/50.'],
			'verbose-tuned': [
				padded(
					`The Monty Hall problem is a famous probability puzzle that has confused many people, including some mathematicians! The short answer is: **yes, you should switch**, because switching gives you a 2/3 chance of winning the car, while staying gives you only a 1/3 chance.

Here is the reasoning. When you first choose a door, there is a 1/3 chance that you picked the car and a 2/3 chance that you picked a goat.

- If you picked the car (probability 1/3), switching makes you lose.
- If you picked a goat (probability 2/3), the host must open the other goat door, so the remaining door has the car, and switching makes you win.

Therefore, switching wins with probability 2/3.

Many people think the odds become 50/50 once there are only two doors left, but this is not correct, because the host's choice of which door to open is not random — the host always reveals a goat.`,
					50
				)
			]
		}
	}
];
